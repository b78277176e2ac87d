using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Research.Framework.Tests.Sweeps;

/// <summary>
/// A PostgreSQL server for the tests: the one <c>RESEARCH_TEST_POSTGRES</c> names (a connection string), or else a
/// throwaway cluster of our own (initdb into a temp folder, trust auth, a free loopback port, stopped and deleted on
/// dispose). initdb refuses to run as root, so as root the cluster runs as the <c>postgres</c> user. Each test gets a
/// fresh database (<see cref="NewDatabase"/>). When no server can be had, constructing this fails with the reason:
/// the PostgreSQL tests never skip.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Variable = "RESEARCH_TEST_POSTGRES";
    readonly string? cluster;
    readonly string? binaries;
    readonly bool asPostgresUser;
    readonly string adminConnection;

    public PostgresServer()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            adminConnection = given;
            return;
        }
        binaries = FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL is needed for these tests: no initdb/pg_ctl/postgres found on PATH, in /usr/local/bin or /usr/lib/postgresql/*/bin. " +
            $"Install it (apt-get install postgresql) or set {Variable} to a connection string.");
        asPostgresUser = Environment.UserName == "root";
        cluster = Directory.CreateTempSubdirectory("research-pg-").FullName;
        try
        {
            if (asPostgresUser) Run("chown", ["postgres:", cluster], asUser: false);
            var data = Path.Combine(cluster, "data");
            Run(Path.Combine(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"], asPostgresUser);
            var port = FreePort();
            Run(Path.Combine(binaries, "pg_ctl"), ["-D", data, "-l", Path.Combine(cluster, "server.log"), "-w", "-t", "120",
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={cluster} -c fsync=off -c max_connections=200", "start"], asPostgresUser);
            adminConnection = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
        }
        catch (Exception error)
        {
            var log = Path.Combine(cluster, "server.log");
            var tail = File.Exists(log) ? File.ReadAllText(log) : "";
            Dispose();
            throw new InvalidOperationException($"Could not start a throwaway PostgreSQL cluster ({error.Message}). {tail}", error);
        }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string NewDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        using (var connection = new NpgsqlConnection(adminConnection))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name};";
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(adminConnection) { Database = name, Pooling = true }.ConnectionString;
    }

    public void Dispose()
    {
        if (cluster is null || binaries is null) return;
        try
        {
            if (File.Exists(Path.Combine(cluster, "data", "postmaster.pid")))
                Run(Path.Combine(binaries, "pg_ctl"), ["-D", Path.Combine(cluster, "data"), "-m", "immediate", "-w", "stop"], asPostgresUser);
        }
        finally
        {
            Directory.Delete(cluster, recursive: true);
        }
    }

    static string? FindBinaries()
    {
        static bool Has(string folder) => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")) && File.Exists(Path.Combine(folder, "postgres"));
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(v => int.TryParse(Path.GetFileName(v), out var n) ? n : 0).Select(v => Path.Combine(v, "bin"))
            : [];
        return path.Append("/usr/local/bin").Concat(debian).FirstOrDefault(Has);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static void Run(string program, IReadOnlyList<string> arguments, bool asUser)
    {
        var start = asUser
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/"; // the postgres user may not be able to read the test's working folder
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} did not finish in 180 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
    }
}

/// <summary>One server for every PostgreSQL test class.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
