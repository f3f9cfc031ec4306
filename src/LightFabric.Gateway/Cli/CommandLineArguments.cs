namespace LightFabric.Gateway.Cli;

/// <summary>The parsed command line: a command, its options and the working directory.</summary>
public sealed record CommandLineArguments(string Command, string Directory, IReadOnlyDictionary<string, string?> Options, IReadOnlyList<string> Positional)
{
    private static readonly HashSet<string> Flags = ["--local-only", "--show", "--strict", "--help", "-h", "--version"];
    private static readonly HashSet<string> Valued = ["--dir", "--print-default-config", "--dump-default-configs"];

    public bool Has(string option) => Options.ContainsKey(option);

    public string? Value(string option) => Options.GetValueOrDefault(option);

    /// <exception cref="ArgumentException">Unknown option or missing value, with a message for the user.</exception>
    public static CommandLineArguments Parse(IReadOnlyList<string> args, string currentDirectory)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('='))
            {
                var eq = arg.IndexOf('=');
                AddValued(arg[..eq], arg[(eq + 1)..]);
            }
            else if (Valued.Contains(arg))
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{arg} needs a value");
                }

                AddValued(arg, args[++i]);
            }
            else if (Flags.Contains(arg))
            {
                options[arg] = null;
            }
            else if (arg.StartsWith('-') && positional.Count == 0)
            {
                throw new ArgumentException($"unknown option '{arg}'");
            }
            else
            {
                positional.Add(arg);
            }
        }

        var command = options.ContainsKey("--print-default-config") ? "print-default-config"
            : options.ContainsKey("--dump-default-configs") ? "dump-default-configs"
            : options.ContainsKey("--help") || options.ContainsKey("-h") ? "help"
            : options.ContainsKey("--version") ? "version"
            : positional.Count > 0 ? positional[0]
            : "run";
        var rest = positional.Count > 0 && command == positional[0] ? positional.Skip(1).ToArray() : positional.ToArray();
        var directory = Path.GetFullPath(options.GetValueOrDefault("--dir") ?? currentDirectory, currentDirectory);
        return new CommandLineArguments(command, directory, options, rest);

        void AddValued(string name, string value)
        {
            if (!Valued.Contains(name))
            {
                throw new ArgumentException($"unknown option '{name}'");
            }

            options[name] = value;
        }
    }
}
