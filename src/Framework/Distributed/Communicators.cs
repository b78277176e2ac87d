namespace Research.Framework.Distributed;

/// <summary>The world a run trains in, from the launcher's environment.</summary>
public static class Communicators
{
    /// <summary>How long a collective may wait for the other ranks before the run stops (<c>RESEARCH_COLLECTIVE_TIMEOUT</c>, seconds).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The environment variable that overrides <see cref="DefaultTimeout"/>.</summary>
    public const string TimeoutVariable = "RESEARCH_COLLECTIVE_TIMEOUT";

    /// <summary>
    /// <see cref="SingleProcess"/> when no launcher started several processes (a plain <c>dotnet ... run</c>), else this
    /// process's <see cref="MpiCommunicator"/>; a launch that cannot be joined is a <see cref="DistributedLaunchException"/>.
    /// </summary>
    public static ICommunicator FromEnvironment()
    {
        var launch = LaunchEnvironment.Read();
        return launch.WorldSize == 1 ? SingleProcess.Instance : MpiCommunicator.Join(launch, Timeout());
    }

    static TimeSpan Timeout()
    {
        var text = Environment.GetEnvironmentVariable(TimeoutVariable);
        if (string.IsNullOrEmpty(text)) return DefaultTimeout;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new DistributedLaunchException($"{TimeoutVariable}={text}: it must be a number of seconds > 0.");
    }
}
