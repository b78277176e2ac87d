// Compiled twice: by MSBuild's RoslynCodeTaskFactory (TorchSharpNativeFix.targets) and by the tests.
// Kept to C# 7.3 and netstandard2.0 APIs because the inline task factory compiles against them.
#nullable disable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Research.Framework.Build
{
    /// <summary>What <see cref="ElfVersionNeedPatcher.MakeVersionWeak"/> did to a file.</summary>
    public enum WeakVersionPatchResult
    {
        /// <summary>The version requirement was strong; its VER_FLG_WEAK bit is now set.</summary>
        Patched,
        /// <summary>The requirement was already weak; the file was not written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version at all; the file was not written.</summary>
        NotRequired,
    }

    /// <summary>
    /// Marks one entry of an ELF64 shared object's version-needs table (SHT_GNU_verneed) as weak.
    /// Why: TorchSharp's libLibTorchSharp.so is built with GCC 13 and requires GLIBCXX_3.4.32, whose only
    /// symbol (std::ios_base_library_init) is never called. Debian 12's libstdc++ stops at 3.4.30, so the
    /// loader refuses the library. A weak requirement only produces a note from the loader.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlagWeak = 0x2;
        const ushort EtDyn = 3;

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement <paramref name="versionName"/> of <paramref name="libraryName"/>
        /// (for example GLIBCXX_3.4.32 of libstdc++.so.6). The file is replaced (written beside it, then renamed
        /// over it), never written in place, so a hard link into the NuGet cache keeps the original bytes.
        /// Throws <see cref="InvalidDataException"/> for anything but a little-endian ELF64 shared object.
        /// </summary>
        public static WeakVersionPatchResult MakeVersionWeak(string path, string libraryName, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            int flagsOffset = FindRequirementFlags(image, path, libraryName, versionName);
            if (flagsOffset < 0) return WeakVersionPatchResult.NotRequired;
            ushort flags = BitConverter.ToUInt16(image, flagsOffset);
            if ((flags & VerFlagWeak) != 0) return WeakVersionPatchResult.AlreadyWeak;

            // Copy (keeps the file mode), change the two flag bytes in the copy, then rename it over the original.
            byte[] weak = BitConverter.GetBytes((ushort)(flags | VerFlagWeak));
            string temporary = path + ".weakversion.tmp";
            File.Copy(path, temporary, true);
            using (FileStream stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
            {
                stream.Seek(flagsOffset, SeekOrigin.Begin);
                stream.Write(weak, 0, weak.Length);
            }
            ReplaceFile(temporary, path);
            return WeakVersionPatchResult.Patched;
        }

        /// <summary>True when <paramref name="path"/> requires <paramref name="versionName"/> and marks it weak.</summary>
        public static bool IsVersionWeak(string path, string libraryName, string versionName)
        {
            byte[] image = File.ReadAllBytes(path);
            int flagsOffset = FindRequirementFlags(image, path, libraryName, versionName);
            return flagsOffset >= 0 && (BitConverter.ToUInt16(image, flagsOffset) & VerFlagWeak) != 0;
        }

        /// <summary>True when a library file defines the version string, for example a libstdc++ with GLIBCXX_3.4.32.</summary>
        public static bool LibraryDefinesVersion(string libraryPath, string versionName)
        {
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            byte[] image = File.ReadAllBytes(libraryPath);
            for (int i = 0; i + needle.Length <= image.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && image[i + j] == needle[j]) j++;
                if (j == needle.Length && (i == 0 || image[i - 1] == 0)) return true;
            }
            return false;
        }

        static void ReplaceFile(string source, string destination)
        {
            // Rename over the destination: the directory entry changes, a hard-linked original does not.
            File.Delete(destination);
            File.Move(source, destination);
        }

        /// <summary>Offset of vna_flags for the requested version, or -1 when the file does not require it.</summary>
        static int FindRequirementFlags(byte[] image, string path, string libraryName, string versionName)
        {
            RequireElf64SharedObject(image, path);
            ulong sectionTable = BitConverter.ToUInt64(image, 0x28);
            int sectionSize = BitConverter.ToUInt16(image, 0x3A);
            int sectionCount = BitConverter.ToUInt16(image, 0x3C);
            if (sectionSize < 64 || sectionTable + (ulong)(sectionSize * sectionCount) > (ulong)image.LongLength)
                throw Malformed(path, "the section header table lies outside the file");

            for (int s = 0; s < sectionCount; s++)
            {
                int header = checked((int)sectionTable + s * sectionSize);
                if (BitConverter.ToUInt32(image, header + 4) != ShtGnuVerneed) continue;
                int needs = checked((int)BitConverter.ToUInt64(image, header + 0x18));
                int stringTableIndex = (int)BitConverter.ToUInt32(image, header + 0x28);
                int needCount = (int)BitConverter.ToUInt32(image, header + 0x2C);
                if (stringTableIndex >= sectionCount) throw Malformed(path, "verneed links to a missing string table");
                int strings = checked((int)BitConverter.ToUInt64(image, checked((int)sectionTable + stringTableIndex * sectionSize) + 0x18));

                int need = needs;
                for (int n = 0; n < needCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(image, need + 2);
                    string file = ReadString(image, strings + (int)BitConverter.ToUInt32(image, need + 4));
                    int aux = need + (int)BitConverter.ToUInt32(image, need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        string name = ReadString(image, strings + (int)BitConverter.ToUInt32(image, aux + 8));
                        if (file == libraryName && name == versionName) return aux + 4;
                        aux += (int)BitConverter.ToUInt32(image, aux + 12);
                    }
                    int next = (int)BitConverter.ToUInt32(image, need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return -1;
        }

        static void RequireElf64SharedObject(byte[] image, string path)
        {
            bool elf = image.Length >= 64 && image[0] == 0x7f && image[1] == (byte)'E' && image[2] == (byte)'L' && image[3] == (byte)'F';
            if (!elf) throw new InvalidDataException(path + " is not an ELF file; refusing to patch it (expected an ELF64 shared object).");
            if (image[4] != 2) throw new InvalidDataException(path + " is a 32-bit ELF file; refusing to patch it (expected an ELF64 shared object).");
            if (image[5] != 1) throw new InvalidDataException(path + " is a big-endian ELF file; refusing to patch it (expected a little-endian ELF64 shared object).");
            ushort type = BitConverter.ToUInt16(image, 16);
            if (type != EtDyn) throw new InvalidDataException(path + " is an ELF64 file of type " + type + ", not a shared object (ET_DYN = 3); refusing to patch it.");
        }

        static string ReadString(byte[] image, int offset)
        {
            int end = offset;
            while (end < image.Length && image[end] != 0) end++;
            return Encoding.ASCII.GetString(image, offset, end - offset);
        }

        static InvalidDataException Malformed(string path, string why)
        {
            return new InvalidDataException(path + " is a malformed ELF64 file (" + why + "); refusing to patch it.");
        }
    }

    /// <summary>
    /// MSBuild task: after the build copies TorchSharp's natives, makes libLibTorchSharp.so's GLIBCXX_3.4.32
    /// requirement weak, unless the system libstdc++ already provides that version.
    /// </summary>
    public class PatchGlibcxxWeakVersion : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folders to search (recursively) for the library.</summary>
        [Required] public ITaskItem[] Directories { get; set; }

        /// <summary>libstdc++ files to check; the first one that exists decides.</summary>
        [Required] public ITaskItem[] SystemLibstdcxxCandidates { get; set; }

        public string LibraryFileName { get; set; } = "libLibTorchSharp.so";
        public string RequiredLibrary { get; set; } = "libstdc++.so.6";
        public string RequiredVersion { get; set; } = "GLIBCXX_3.4.32";

        public override bool Execute()
        {
            string system = null;
            foreach (ITaskItem candidate in SystemLibstdcxxCandidates)
                if (File.Exists(candidate.ItemSpec)) { system = candidate.ItemSpec; break; }
            if (system != null && ElfVersionNeedPatcher.LibraryDefinesVersion(system, RequiredVersion))
            {
                Log.LogMessage(MessageImportance.Low, system + " provides " + RequiredVersion + "; " + LibraryFileName + " needs no patch.");
                return true;
            }

            foreach (ITaskItem directory in Directories)
            {
                if (!System.IO.Directory.Exists(directory.ItemSpec)) continue;
                foreach (string library in System.IO.Directory.GetFiles(directory.ItemSpec, LibraryFileName, SearchOption.AllDirectories))
                {
                    try
                    {
                        WeakVersionPatchResult result = ElfVersionNeedPatcher.MakeVersionWeak(library, RequiredLibrary, RequiredVersion);
                        Log.LogMessage(result == WeakVersionPatchResult.Patched ? MessageImportance.Normal : MessageImportance.Low,
                            library + ": " + RequiredVersion + " " + Describe(result));
                    }
                    catch (InvalidDataException error)
                    {
                        Log.LogError(error.Message);
                    }
                }
            }
            return !Log.HasLoggedErrors;
        }

        static string Describe(WeakVersionPatchResult result)
        {
            switch (result)
            {
                case WeakVersionPatchResult.Patched: return "requirement marked weak";
                case WeakVersionPatchResult.AlreadyWeak: return "requirement already weak";
                default: return "not required; left unchanged";
            }
        }
    }
}
