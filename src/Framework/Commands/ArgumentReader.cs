using Research.Framework.Text;

namespace Research.Framework.Commands;

/// <summary>One option of a command: <c>--samples N</c> (a value, here named N) or the flag <c>--dry-run</c> (no value).</summary>
/// <param name="Name">The option with its dashes, <c>--samples</c>.</param>
/// <param name="Value">What the value is, for messages (<c>N</c>, <c>DIR</c>); null for a flag.</param>
/// <param name="Missing">What the error says after the option's name when its value is missing (default "needs a value").</param>
public sealed record CommandOption(string Name, string? Value, string? Missing = null)
{
    /// <summary>A flag: present or absent, no value.</summary>
    public static CommandOption Flag(string name) => new(name, Value: null);

    /// <summary>Whether the option takes a value.</summary>
    public bool TakesValue => Value is not null;

    /// <summary>How the option reads in a usage message: <c>--samples N</c>.</summary>
    public override string ToString() => TakesValue ? $"{Name} {Value}" : Name;
}

/// <summary>
/// What a command accepts: its options, how many plain (positional) arguments, and whether arguments it does not know
/// are experiment overrides (<c>--Key value</c> pairs handed on in order, as <c>run</c> and <c>sweep</c> take them)
/// rather than mistakes.
/// </summary>
/// <param name="Command">The command's name, the prefix of its messages (<c>eval: …</c>); empty for none.</param>
/// <param name="Usage">The usage line, appended to structural mistakes.</param>
/// <param name="Options">The options it knows.</param>
/// <param name="Positionals">At most this many plain arguments.</param>
/// <param name="PositionalName">What a plain argument is, for the message when there are too many (<c>run folder</c>).</param>
/// <param name="Overrides">Whether unknown <c>--Key value</c> pairs (and stray words) are experiment overrides.</param>
/// <param name="RepeatedOverrides">Whether an override may be given more than once (<c>eval --sweep</c>'s grid of values); otherwise that is a mistake.</param>
public sealed record CommandSyntax(string Command, string Usage, IReadOnlyList<CommandOption> Options, int Positionals = 0,
    string PositionalName = "argument", bool Overrides = false, bool RepeatedOverrides = false)
{
    /// <summary>The start of every message: <c>eval: </c>, or nothing.</summary>
    public string Prefix => Command.Length == 0 ? "" : Command + ": ";
}

/// <summary>A command line read against a <see cref="CommandSyntax"/>.</summary>
/// <param name="Values">The value of each option given (the last one wins when given twice).</param>
/// <param name="Flags">The flags given.</param>
/// <param name="Positionals">The plain arguments, in order.</param>
/// <param name="Overrides">The experiment overrides, as given and in order (empty unless the syntax takes overrides).</param>
public sealed record ParsedArguments(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Flags, IReadOnlyList<string> Positionals,
    IReadOnlyList<string> Overrides)
{
    /// <summary>The option's value, or null when it was not given.</summary>
    public string? this[string option] => Values.GetValueOrDefault(option);

    /// <summary>Whether the flag was given.</summary>
    public bool Has(string flag) => Flags.Contains(flag);
}

/// <summary>
/// The one reader of every command's arguments: <c>--name value</c> and <c>--name=value</c>, flags, plain arguments,
/// and experiment overrides passed through. Mistakes of form (a missing value, an unknown option, one plain argument
/// too many) are <see cref="UsageException"/>s naming the problem; an unknown option lists the valid ones closest
/// first. What a value means (a number, a port) is the command's to check: the reader only finds it.
/// </summary>
public static class ArgumentReader
{
    /// <summary>Reads <paramref name="arguments"/> against <paramref name="syntax"/>.</summary>
    public static ParsedArguments Read(CommandSyntax syntax, IReadOnlyList<string> arguments)
    {
        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        var positionals = new List<string>();
        var overrides = new List<string>();
        var overridden = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);   // keys are case-insensitive
        for (int i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                if (positionals.Count < syntax.Positionals) positionals.Add(argument);
                else if (syntax.Positionals > 0)
                    throw new UsageException($"{syntax.Prefix}one {syntax.PositionalName} only; got '{positionals[^1]}' and '{argument}'. Usage: {syntax.Usage}");
                else if (syntax.Overrides) overrides.Add(argument);   // the overrides' reader names the stray word
                else throw Unexpected(syntax, argument);
                continue;
            }
            var (name, inline) = argument.IndexOf('=') is var equals and > 0 ? (argument[..equals], argument[(equals + 1)..]) : (argument, null);
            var option = syntax.Options.FirstOrDefault(o => o.Name == name);
            if (option is null)
            {
                if (!syntax.Overrides) throw Unknown(syntax, name);
                if (!syntax.RepeatedOverrides && overridden.TryGetValue(name, out var earlier))
                    throw new UsageException($"{syntax.Prefix}{name} is given twice ({earlier} and {argument}); give each setting once.");
                overridden[name] = argument;
                overrides.Add(argument);
                // The next word is the value unless it is the next option (`--Tracker.Name --Steps 5` lacks a name);
                // left alone, the overrides' reader names the missing value.
                if (inline is null && i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal)) overrides.Add(arguments[++i]);
            }
            else if (!option.TakesValue)
            {
                if (inline is not null) throw new UsageException($"{syntax.Prefix}{name} is a flag and takes no value (got '{inline}').");
                flags.Add(name);
            }
            else
                values[name] = inline ?? (i + 1 < arguments.Count ? arguments[++i]
                    : throw new UsageException($"{syntax.Prefix}{name} {option.Missing ?? "needs a value"}. Usage: {syntax.Usage}"));
        }
        return new ParsedArguments(values, flags, positionals, overrides);
    }

    static UsageException Unknown(CommandSyntax syntax, string name) => new(syntax.Options.Count == 0
        ? $"{syntax.Prefix}unknown option '{name}'; it takes none. Usage: {syntax.Usage}"
        : $"{syntax.Prefix}unknown option '{name}'. Options: " +
          string.Join(", ", ClosestNames.Order(name, syntax.Options.Select(o => o.Name)).Select(n => syntax.Options.First(o => o.Name == n).ToString())) + ".");

    static UsageException Unexpected(CommandSyntax syntax, string argument) =>
        new($"{syntax.Prefix}unexpected argument '{argument}'. Usage: {syntax.Usage}");
}
