namespace Research.Framework.Tracking.Wandb;

/// <summary>
/// The GraphQL documents we send, as in wandb's <c>core/api/graphql/*.graphql</c> (trimmed selections). The
/// operation names matter: the server logs and rate-limits by them, and the fake test server routes by them.
/// </summary>
internal static class WandbGraphQl
{
    public const string Viewer = "query Viewer { viewer { id entity username } }";

    public const string UpsertBucket = """
        mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {
          upsertBucket(input: {id: $id, name: $name, groupName: $groupName, modelName: $project, entityName: $entity, description: $description, displayName: $displayName, notes: $notes, config: $config, commit: $commit, host: $host, debug: $debug, jobProgram: $program, jobRepo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags, summaryMetrics: $summaryMetrics}) {
            bucket { id name displayName description config sweepName historyLineCount project { id name entity { id name } } }
            inserted
          }
        }
        """;

    public const string CreateRunFiles = """
        mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
          createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
            runID
            uploadHeaders
            files { name uploadUrl }
          }
        }
        """;
}
