using Research.Framework.Build;
using Xunit;

namespace Research.Framework.Tests.Build;

/// <summary>
/// The build step that makes libLibTorchSharp.so load on Debian 12. Tested on a copy of the real, unpatched
/// library from the NuGet cache, and on files that are not ELF64 shared objects.
/// </summary>
public sealed class GlibcxxWeakVersionPatchTests : IDisposable
{
    const string Library = "libstdc++.so.6";
    const string Version = "GLIBCXX_3.4.32";
    readonly string folder = Directory.CreateTempSubdirectory("glibcxx-patch-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string OriginalLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library is not in the NuGet cache at {path}");
        return path;
    }

    string CopyOfOriginal()
    {
        var copy = Path.Combine(folder, "libLibTorchSharp.so");
        File.Copy(OriginalLibrary(), copy);
        return copy;
    }

    [Fact]
    public void OriginalRequiresTheVersionStrongly()
    {
        Assert.False(ElfVersionNeedPatcher.IsVersionWeak(OriginalLibrary(), Library, Version));
    }

    [Fact]
    public void PatchChangesExactlyOneByteAndMakesTheRequirementWeak()
    {
        var path = CopyOfOriginal();
        var before = File.ReadAllBytes(path);

        Assert.Equal(WeakVersionPatchResult.Patched, ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version));

        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Single(changed);
        Assert.Equal(before[changed[0]] | 0x2, after[changed[0]]);
        Assert.True(ElfVersionNeedPatcher.IsVersionWeak(path, Library, Version));
    }

    [Fact]
    public void SecondPatchLeavesTheFileUntouched()
    {
        var path = CopyOfOriginal();
        ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version);
        var bytes = File.ReadAllBytes(path);
        var written = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);

        Assert.Equal(WeakVersionPatchResult.AlreadyWeak, ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version));

        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void PatchReplacesAHardLinkInsteadOfWritingThroughIt()
    {
        var original = CopyOfOriginal();
        var link = Path.Combine(folder, "linked.so");
        Assert.Equal(0, Link(original, link));

        ElfVersionNeedPatcher.MakeVersionWeak(link, Library, Version);

        Assert.False(ElfVersionNeedPatcher.IsVersionWeak(original, Library, Version));
        Assert.True(ElfVersionNeedPatcher.IsVersionWeak(link, Library, Version));
    }

    [Fact]
    public void AVersionTheLibraryDoesNotRequireIsReportedAndNothingIsWritten()
    {
        var path = CopyOfOriginal();
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(WeakVersionPatchResult.NotRequired, ElfVersionNeedPatcher.MakeVersionWeak(path, Library, "GLIBCXX_9.9.99"));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void RefusesATextFile()
    {
        var path = Path.Combine(folder, "libLibTorchSharp.so");
        File.WriteAllText(path, "not a library, but long enough to hold an ELF header of sixty-four bytes ........");
        var bytes = File.ReadAllBytes(path);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version));

        Assert.Contains("not an ELF file", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void RefusesAnElf32File()
    {
        var path = CopyOfOriginal();
        var bytes = File.ReadAllBytes(path);
        bytes[4] = 1; // EI_CLASS = ELFCLASS32
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version));

        Assert.Contains("32-bit", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void RefusesAnElf64ExecutableThatIsNotASharedObject()
    {
        var path = CopyOfOriginal();
        var bytes = File.ReadAllBytes(path);
        bytes[16] = 2; // e_type = ET_EXEC
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.MakeVersionWeak(path, Library, Version));

        Assert.Contains("not a shared object", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void DetectsWhetherALibstdcxxDefinesTheVersion()
    {
        var newer = Path.Combine(folder, "newer.so");
        File.WriteAllBytes(newer, [0, .. "GLIBCXX_3.4.31"u8, 0, .. "GLIBCXX_3.4.32"u8, 0]);
        var older = Path.Combine(folder, "older.so");
        File.WriteAllBytes(older, [0, .. "GLIBCXX_3.4.30"u8, 0, .. "GLIBCXX_3.4.321"u8, 0]);

        Assert.True(ElfVersionNeedPatcher.LibraryDefinesVersion(newer, Version));
        Assert.False(ElfVersionNeedPatcher.LibraryDefinesVersion(older, Version));
    }

    [Fact]
    public void ThisTestProjectsOwnOutputWasPatchedByTheBuild()
    {
        // The build step ran for this project: the library beside the test assembly is either patched,
        // or the system libstdc++ already provides the version (then it is left as shipped).
        var built = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(built);
        var system = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        bool systemHasIt = File.Exists(system) && ElfVersionNeedPatcher.LibraryDefinesVersion(system, Version);
        foreach (var library in built)
            Assert.Equal(!systemHasIt, ElfVersionNeedPatcher.IsVersionWeak(library, Library, Version));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    static extern int Link(string existing, string created);
}
