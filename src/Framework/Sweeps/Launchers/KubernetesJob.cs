using System.Text.Encodings.Web;
using System.Text.Json;

namespace Research.Framework.Sweeps.Launchers;

/// <summary>
/// A Kubernetes Indexed Job manifest whose pods are identical sweep workers (<c>completionMode: Indexed</c>,
/// <c>completions</c> workers, <c>parallelism</c> at once, each index retried on its own by <c>backoffLimitPerIndex</c>),
/// with <c>JOB_COMPLETION_INDEX</c> in the worker id. The image must hold the program at the same path.
/// </summary>
public static class KubernetesJob
{
    /// <summary>The manifest (YAML; strings are JSON-quoted, which YAML reads as they are).</summary>
    public static string Emit(string sweepName, int workers, int parallel, string image, ProgramCommand program, IReadOnlyList<string> workerArguments)
    {
        static string Q(string text) => JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var command = $"exec {program.ShellLine(workerArguments)} --worker-id \"k8s-$JOB_COMPLETION_INDEX\"";
        return $"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: {Launchers.JobName(sweepName)}
            spec:
              completionMode: Indexed
              completions: {workers}
              parallelism: {parallel}
              backoffLimitPerIndex: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: worker
                      image: {Q(image)}
                      command: ["/bin/sh", "-c", {Q(command)}]

            """;
    }
}
