using System.Text.RegularExpressions;
using Research.Framework.Text;

namespace Research.Framework.Sweeps;

/// <summary>
/// Reads W&amp;B sweep files (YAML or JSON, the schema of wandb/sweeps <c>config/schema.json</c>) into a
/// <see cref="SweepSpec"/>: method grid / random / bayes; metric name, goal and target; parameters given by
/// <c>value</c>, <c>values</c> (+ <c>probabilities</c>), <c>min</c>/<c>max</c> (integers → int_uniform, otherwise
/// uniform) or any W&amp;B <c>distribution</c>; nested <c>parameters</c> (a dictionary parameter, flattened to dotted
/// keys such as <c>optimizer.lr</c>); <c>run_cap</c>; and <c>early_terminate</c> hyperband, plus this framework's
/// <c>median</c> and <c>successive_halving</c> pruners. Mistakes fail with a <see cref="InvalidSweepException"/> that names
/// the file, the key path and the valid choices.
/// </summary>
/// <remarks>
/// YAML scalars follow the YAML 1.2 core schema (so <c>1e-4</c> is a number, where PyYAML would read a string);
/// keys W&amp;B uses only for its own agents (<c>program</c>, <c>command</c>, <c>entity</c>, ...) and
/// <c>metric.impute</c> are accepted and listed in <see cref="SweepSpec.IgnoredKeys"/>. Parameters keep file order.
/// </remarks>
public static class SweepFile
{
    /// <summary>W&amp;B's distribution names.</summary>
    public static readonly IReadOnlyList<string> Distributions =
    [
        "constant", "categorical", "categorical_w_probabilities", "int_uniform", "uniform", "log_uniform", "log_uniform_values",
        "inv_log_uniform", "inv_log_uniform_values", "q_uniform", "q_log_uniform", "q_log_uniform_values",
        "normal", "q_normal", "log_normal", "q_log_normal", "beta", "q_beta",
    ];

    static readonly string[] TopKeys = ["method", "metric", "parameters", "early_terminate", "run_cap", "name", "description"];
    static readonly string[] IgnoredTopKeys = ["program", "command", "entity", "project", "controller", "job", "image_uri", "apiVersion", "kind", "scheduler"];
    static readonly string[] Methods = ["grid", "random", "bayes"];
    static readonly string[] Pruners = ["hyperband", "median", "successive_halving"];
    static readonly Regex ParameterName = new("^[A-Za-z_][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    /// <summary>Reads the file at <paramref name="path"/>: JSON for <c>.json</c>, YAML otherwise.</summary>
    public static SweepSpec Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidSweepException($"Sweep file {path} does not exist.");
        var text = File.ReadAllText(path);
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? ParseJson(text, path) : ParseYaml(text, path);
    }

    /// <summary>A sweep from YAML text; <paramref name="source"/> names it in errors.</summary>
    public static SweepSpec ParseYaml(string text, string source = "sweep file") => Spec(SweepFileNode.FromYaml(text, source), source);

    /// <summary>A sweep from JSON text (as <see cref="ToJson"/> writes it); <paramref name="source"/> names it in errors.</summary>
    public static SweepSpec ParseJson(string text, string source = "sweep file") => Spec(SweepFileNode.FromJson(text, source), source);

    /// <summary>The sweep as W&amp;B-format JSON, which <see cref="ParseJson"/> reads back to an equal spec.</summary>
    public static string ToJson(SweepSpec spec) => SweepFileWriter.Write(spec);

    /// <summary>One parameter's law as a line of W&amp;B JSON (for plans and messages).</summary>
    public static string Describe(Distribution law) => SweepFileWriter.Describe(law);

    static SweepSpec Spec(SweepFileNode root, string source)
    {
        var map = root as MapNode ?? throw root.Error(source, "a sweep file is a mapping with method, metric and parameters.");
        map.OnlyKeys(source, [.. TopKeys, .. IgnoredTopKeys], "the sweep");
        var ignored = map.Entries.Select(e => e.Key).Where(IgnoredTopKeys.Contains).ToList();

        var methodName = Text(map["method"] ?? throw map.Error(source, "method is missing. Valid methods: grid, random, bayes."), source);
        var method = methodName switch
        {
            "grid" => SearchMethod.Grid,
            "random" => SearchMethod.Random,
            "bayes" => SearchMethod.Bayes,
            _ => throw map["method"]!.Error(source, $"method '{methodName}' is not supported. Valid methods: {string.Join(", ", ClosestNames.Order(methodName, Methods))}."),
        };

        SweepObjective? objective = null;
        if (map["metric"] is { } metricNode)
        {
            var metric = metricNode as MapNode ?? throw metricNode.Error(source, "metric is a mapping {name, goal, target}.");
            metric.OnlyKeys(source, ["name", "goal", "target", "impute", "impute_while_running"], "metric");
            ignored.AddRange(metric.Entries.Select(e => e.Key).Where(k => k.StartsWith("impute", StringComparison.Ordinal)).Select(k => "metric." + k));
            var name = Text(metric["name"] ?? throw metric.Error(source, "metric needs a name."), source);
            var goalName = metric["goal"] is { } g ? Text(g, source) : "minimize";
            var goal = goalName switch
            {
                "minimize" => SweepGoal.Minimize,
                "maximize" => SweepGoal.Maximize,
                _ => throw metric["goal"]!.Error(source, $"goal '{goalName}' is not valid. Valid goals: minimize, maximize."),
            };
            objective = new SweepObjective(name, goal, metric["target"] is { } target ? Number(target, source) : null);
        }

        var parametersNode = map["parameters"] ?? throw map.Error(source, "parameters is missing: a mapping from setting keys to {value | values | min, max | distribution}.");
        var parameters = new List<SweepParameter>();
        ReadParameters(parametersNode, "", parameters, source);
        if (parameters.Count == 0) throw parametersNode.Error(source, "parameters is empty.");

        var spec = new SweepSpec(method, new SearchSpace(parameters))
        {
            Name = map["name"] is { } n ? Text(n, source) : null,
            Description = map["description"] is { } d ? Text(d, source) : null,
            Objective = objective,
            Pruner = map["early_terminate"] is { } e ? ReadPruner(e, source) : null,
            RunCap = map["run_cap"] is { } cap ? (int)Math.Clamp(Integer(cap, source), int.MinValue, int.MaxValue) : null,
            IgnoredKeys = ignored,
        };
        if (spec.Problem is { } problem) throw new InvalidSweepException($"{source}: {problem}.");
        return spec;
    }

    static void ReadParameters(SweepFileNode node, string prefix, List<SweepParameter> into, string source)
    {
        var map = node as MapNode ?? throw node.Error(source, "parameters is a mapping from names to parameter definitions.");
        foreach (var (name, value) in map.Entries)
        {
            if (!ParameterName.IsMatch(name))
                throw value.Error(source, $"'{name}' is not a valid parameter name (a letter or _, then letters, digits, _, . or -).");
            var key = prefix + name;
            if (into.Any(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)))
                throw value.Error(source, $"parameter {key} is given more than once.");
            var definition = value as MapNode ?? throw value.Error(source,
                "a parameter is a mapping: {value: v}, {values: [...]}, {min: a, max: b}, {distribution: name, ...} or {parameters: {...}}.");
            if (definition["parameters"] is { } nested)
            {
                definition.OnlyKeys(source, ["parameters"], "a dictionary parameter");
                ReadParameters(nested, key + ".", into, source);
            }
            else into.Add(new SweepParameter(key, ReadLaw(definition, source)));
        }
    }

    static IReadOnlyCollection<string> LawKeys(string law) => law switch
    {
        "constant" => ["value"],
        "categorical" => ["values"],
        "categorical_w_probabilities" => ["values", "probabilities"],
        "q_uniform" or "q_log_uniform" or "q_log_uniform_values" => ["min", "max", "q"],
        "normal" or "log_normal" => ["mu", "sigma"],
        "q_normal" or "q_log_normal" => ["mu", "sigma", "q"],
        "beta" => ["a", "b"],
        "q_beta" => ["a", "b", "q"],
        _ => ["min", "max"],
    };

    static Distribution ReadLaw(MapNode map, string source)
    {
        string law;
        if (map["distribution"] is { } named)
        {
            law = Text(named, source);
            if (!Distributions.Contains(law))
                throw named.Error(source, $"unknown distribution '{law}'. Valid distributions: {string.Join(", ", ClosestNames.Order(law, Distributions))}.");
        }
        else if (map["value"] is not null) law = "constant";
        else if (map["values"] is not null) law = map["probabilities"] is null ? "categorical" : "categorical_w_probabilities";
        else if (map["min"] is ScalarNode min && map["max"] is ScalarNode max)
            law = min.Kind == ScalarKind.Integer && max.Kind == ScalarKind.Integer ? "int_uniform" : "uniform";
        else throw map.Error(source,
            $"give value, values, min and max, or a distribution (one of {string.Join(", ", Distributions)}).");
        map.OnlyKeys(source, [.. LawKeys(law), "distribution"], $"a {law} parameter");

        double Required(string key) => Number(map[key] ?? throw map.Error(source, $"{law} needs {key}."), source);
        double Optional(string key, double fallback) => map[key] is { } node ? Number(node, source) : fallback;
        Distribution distribution = law switch
        {
            "constant" => new Constant(Value(map["value"] ?? throw map.Error(source, "constant needs value."), source)),
            "categorical" or "categorical_w_probabilities" => new Categorical(
                Items(map["values"] ?? throw map.Error(source, $"{law} needs values."), source).Select(v => Value(v, source)).ToList(),
                law == "categorical" ? null
                    : Items(map["probabilities"] ?? throw map.Error(source, "categorical_w_probabilities needs probabilities."), source).Select(p => Number(p, source)).ToList()),
            "int_uniform" => new IntUniform(
                Integer(map["min"] ?? throw map.Error(source, "int_uniform needs min."), source),
                Integer(map["max"] ?? throw map.Error(source, "int_uniform needs max."), source)),
            "uniform" => new Uniform(Required("min"), Required("max")),
            "log_uniform" => new LogUniform(Required("min"), Required("max")),
            "log_uniform_values" => new LogUniformValues(Required("min"), Required("max")),
            "inv_log_uniform" => new InvLogUniform(Required("min"), Required("max")),
            "inv_log_uniform_values" => new InvLogUniformValues(Required("min"), Required("max")),
            "q_uniform" => new QUniform(Required("min"), Required("max"), Optional("q", 1)),
            "q_log_uniform" => new QLogUniform(Required("min"), Required("max"), Optional("q", 1)),
            "q_log_uniform_values" => new QLogUniformValues(Required("min"), Required("max"), Optional("q", 1)),
            "normal" => new Normal(Optional("mu", 0), Optional("sigma", 1)),
            "q_normal" => new QNormal(Optional("mu", 0), Optional("sigma", 1), Optional("q", 1)),
            "log_normal" => new LogNormal(Optional("mu", 0), Optional("sigma", 1)),
            "q_log_normal" => new QLogNormal(Optional("mu", 0), Optional("sigma", 1), Optional("q", 1)),
            "beta" => new Beta(Optional("a", 1), Optional("b", 1)),
            _ => new QBeta(Optional("a", 1), Optional("b", 1), Optional("q", 1)),
        };
        if (distribution.Problem is { } problem) throw map.Error(source, $"{law}: {problem}.");
        return distribution;
    }

    static IPruner ReadPruner(SweepFileNode node, string source)
    {
        var map = node as MapNode ?? throw node.Error(source, "early_terminate is a mapping {type: hyperband, ...}.");
        var type = Text(map["type"] ?? throw map.Error(source, $"early_terminate needs a type. Valid types: {string.Join(", ", Pruners)}."), source);
        long? Long(string key) => map[key] is { } v ? Integer(v, source) : null;
        switch (type)
        {
            case "hyperband":
                map.OnlyKeys(source, ["type", "min_iter", "max_iter", "s", "eta", "strict"], "a hyperband early_terminate");
                return new HyperbandPruner(Long("min_iter"), Long("max_iter"), map["s"] is { } s ? (int)Integer(s, source) : null,
                    map["eta"] is { } eta ? Number(eta, source) : 3, map["strict"] is not { } strict || Boolean(strict, source));
            case "median":
                map.OnlyKeys(source, ["type", "n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials"], "a median early_terminate");
                var median = new MedianPruner((int)(Long("n_startup_trials") ?? 5), Long("n_warmup_steps") ?? 0, Long("interval_steps") ?? 1, (int)(Long("n_min_trials") ?? 1));
                return median.Problem is { } medianProblem ? throw map.Error(source, medianProblem + ".") : median;
            case "successive_halving":
                map.OnlyKeys(source, ["type", "min_resource", "reduction_factor", "min_early_stopping_rate"], "a successive_halving early_terminate");
                var halving = new SuccessiveHalvingPruner(Long("min_resource") ?? 1, (int)(Long("reduction_factor") ?? 4), (int)(Long("min_early_stopping_rate") ?? 0));
                return halving.Problem is { } halvingProblem ? throw map.Error(source, halvingProblem + ".") : halving;
            default:
                throw map["type"]!.Error(source, $"early_terminate type '{type}' is not supported. Valid types: {string.Join(", ", ClosestNames.Order(type, Pruners))}.");
        }
    }

    static IReadOnlyList<SweepFileNode> Items(SweepFileNode node, string source) =>
        node is ListNode list ? list.Items : throw node.Error(source, "expected a list [...].");

    /// <summary>A setting value's command-line text: strings as written, numbers canonical, booleans true/false.</summary>
    static string Value(SweepFileNode node, string source) => node switch
    {
        ScalarNode { Kind: ScalarKind.String } s => s.Text,
        ScalarNode { Kind: ScalarKind.Integer or ScalarKind.Float } n => SweepValue.Canonical(n.Text),
        ScalarNode { Kind: ScalarKind.Boolean } b => b.Text,
        _ => throw node.Error(source, "a value must be a number, a string or a boolean (a setting's command-line value)."),
    };

    static string Text(SweepFileNode node, string source) =>
        node is ScalarNode { Kind: not ScalarKind.Null } s ? s.Text : throw node.Error(source, "expected a single value.");

    static double Number(SweepFileNode node, string source) =>
        node is ScalarNode { Number: { } x } ? x : throw node.Error(source, $"expected a number, got '{(node as ScalarNode)?.Text ?? "a mapping or list"}'.");

    static long Integer(SweepFileNode node, string source) =>
        node is ScalarNode { Kind: ScalarKind.Integer } s && long.TryParse(s.Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw node.Error(source, $"expected an integer, got '{(node as ScalarNode)?.Text ?? "a mapping or list"}'.");

    static bool Boolean(SweepFileNode node, string source) =>
        node is ScalarNode { Kind: ScalarKind.Boolean } b ? b.Text == "true" : throw node.Error(source, "expected true or false.");
}
