using System.Buffers.Binary;
using System.Text;
using SubnetNotebooks.Training;

namespace SubnetNotebooks.Tests.Training;

public class ElfVersionPatchTests
{
    /// <summary>
    /// A minimal ELF64 little-endian image written from the ELF specification: a 64-byte header,
    /// a string table, a .gnu.version_r section (Verneed 16 bytes + Vernaux 16 bytes each) and a
    /// .gnu.version_d section (Verdef 20 bytes + Verdaux 8 bytes each), then 4 section headers.
    /// </summary>
    internal static byte[] Elf((string Library, (string Name, ushort Flags)[] Versions)[] needed, string[] defined)
    {
        var strtab = new MemoryStream();
        strtab.WriteByte(0);
        int Str(string s) { int at = (int)strtab.Length; strtab.Write(Encoding.ASCII.GetBytes(s + "\0")); return at; }

        var verneed = new List<byte>();
        for (int i = 0; i < needed.Length; i++)
        {
            var (lib, versions) = needed[i];
            var vn = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(vn, 1);                                   // vn_version
            BinaryPrimitives.WriteUInt16LittleEndian(vn.AsSpan(2), (ushort)versions.Length);    // vn_cnt
            BinaryPrimitives.WriteUInt32LittleEndian(vn.AsSpan(4), (uint)Str(lib));            // vn_file
            BinaryPrimitives.WriteUInt32LittleEndian(vn.AsSpan(8), 16);                         // vn_aux
            BinaryPrimitives.WriteUInt32LittleEndian(vn.AsSpan(12), i + 1 < needed.Length ? (uint)(16 + 16 * versions.Length) : 0); // vn_next
            verneed.AddRange(vn);
            for (int j = 0; j < versions.Length; j++)
            {
                var aux = new byte[16];
                BinaryPrimitives.WriteUInt16LittleEndian(aux.AsSpan(4), versions[j].Flags);    // vna_flags
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(8), (uint)Str(versions[j].Name)); // vna_name
                BinaryPrimitives.WriteUInt32LittleEndian(aux.AsSpan(12), j + 1 < versions.Length ? 16u : 0); // vna_next
                verneed.AddRange(aux);
            }
        }
        var verdef = new List<byte>();
        for (int i = 0; i < defined.Length; i++)
        {
            var vd = new byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(vd, 1);                                    // vd_version
            BinaryPrimitives.WriteUInt16LittleEndian(vd.AsSpan(6), 1);                          // vd_cnt
            BinaryPrimitives.WriteUInt32LittleEndian(vd.AsSpan(12), 20);                        // vd_aux
            BinaryPrimitives.WriteUInt32LittleEndian(vd.AsSpan(16), i + 1 < defined.Length ? 28u : 0); // vd_next
            BinaryPrimitives.WriteUInt32LittleEndian(vd.AsSpan(20), (uint)Str(defined[i]));     // vda_name
            verdef.AddRange(vd);
        }

        var str = strtab.ToArray();
        long strOff = 64, vrOff = strOff + str.Length, vdOff = vrOff + verneed.Count, shOff = vdOff + verdef.Count;
        var elf = new byte[shOff + 4 * 64];
        elf[0] = 0x7f; elf[1] = (byte)'E'; elf[2] = (byte)'L'; elf[3] = (byte)'F'; elf[4] = 2; elf[5] = 1; elf[6] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan(0x28), (ulong)shOff);   // e_shoff
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x3A), 64);             // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan(0x3C), 4);              // e_shnum
        str.CopyTo(elf, strOff);
        verneed.CopyTo(elf, (int)vrOff);
        verdef.CopyTo(elf, (int)vdOff);
        void Section(int index, uint type, long offset, long size, uint link, uint info)
        {
            var sh = elf.AsSpan((int)(shOff + 64 * index), 64);
            BinaryPrimitives.WriteUInt32LittleEndian(sh[4..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(sh[24..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(sh[32..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(sh[40..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(sh[44..], info);
        }
        Section(1, 3, strOff, str.Length, 0, 0);                                  // SHT_STRTAB
        Section(2, 0x6ffffffe, vrOff, verneed.Count, 1, (uint)needed.Length);     // SHT_GNU_verneed
        Section(3, 0x6ffffffd, vdOff, verdef.Count, 1, (uint)defined.Length);     // SHT_GNU_verdef
        return elf;
    }

    internal static byte[] TorchSharpLike() => Elf(
        [("libstdc++.so.6", [("GLIBCXX_3.4.30", 0), ("GLIBCXX_3.4.32", 0), ("CXXABI_1.3", 0)]), ("libc.so.6", [("GLIBC_2.34", 0)])],
        ["LIBTORCHSHARP_1.0"]);

    [Fact]
    public void ReadsNeededAndDefinedVersions()
    {
        var elf = TorchSharpLike();
        var needed = ElfVersionPatch.ReadNeeded(elf, "t.so");
        Assert.Equal(new[] { ("libstdc++.so.6", "GLIBCXX_3.4.30"), ("libstdc++.so.6", "GLIBCXX_3.4.32"), ("libstdc++.so.6", "CXXABI_1.3"), ("libc.so.6", "GLIBC_2.34") },
            needed.Select(n => (n.Library, n.Name)));
        Assert.All(needed, n => Assert.False(n.IsWeak));
        Assert.Equal(new HashSet<string> { "GLIBCXX_3.4", "GLIBCXX_3.4.30" }, ElfVersionPatch.ReadDefined(Elf([], ["GLIBCXX_3.4", "GLIBCXX_3.4.30"]), "s.so"));
    }

    [Fact]
    public void WeakensOnlyMissingVersionsOfThatLibraryOnce()
    {
        var elf = TorchSharpLike();
        var available = new HashSet<string> { "GLIBCXX_3.4", "GLIBCXX_3.4.30", "CXXABI_1.3" };
        Assert.Equal(new[] { "GLIBCXX_3.4.32" }, ElfVersionPatch.WeakenMissing(elf, "t.so", "libstdc++.so.6", available));

        var after = ElfVersionPatch.ReadNeeded(elf, "t.so");
        var patched = after.Single(n => n.Name == "GLIBCXX_3.4.32");
        Assert.True(patched.IsWeak);
        Assert.Equal(ElfVersionPatch.VerFlgWeak, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)patched.FlagsOffset)));
        Assert.All(after.Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));   // GLIBC_2.34 is another library's
        Assert.Empty(ElfVersionPatch.WeakenMissing(elf, "t.so", "libstdc++.so.6", available));   // idempotent
    }

    [Fact]
    public void RejectsFilesThatAreNotElf64OrTruncated()
    {
        Assert.Contains("not an ELF file", Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadNeeded(new byte[64], "x.so")).Message);
        var elf = TorchSharpLike();
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadNeeded(elf[..^10], "x.so")).Message);
        elf[4] = 1;   // ELFCLASS32
        Assert.Contains("64-bit", Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadNeeded(elf, "x.so")).Message);
    }

    [Fact]
    public void LibTorchSharpNextToTheTestsNeedsOnlyAvailableGlibcxxVersionsStrongly()
    {
        TorchRuntime.Ensure();
        var library = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        var stdcxx = File.ReadLines("/proc/self/maps").Select(l => l[Math.Max(0, l.IndexOf('/'))..])
            .FirstOrDefault(p => p.EndsWith("libstdc++.so.6")) ?? "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        var available = ElfVersionPatch.ReadDefined(File.ReadAllBytes(stdcxx), stdcxx);
        var needed = ElfVersionPatch.ReadNeeded(File.ReadAllBytes(library), library).Where(n => n.Library == "libstdc++.so.6").ToArray();

        Assert.Contains(needed, n => n.Name == "GLIBCXX_3.4.32");
        // Every version the system lacks is needed only weakly; so on Debian 12 (which stops at 3.4.30) 3.4.32 is weak.
        Assert.All(needed.Where(n => !available.Contains(n.Name)), n => Assert.True(n.IsWeak, $"{n.Name} is needed strongly but {stdcxx} lacks it"));
        if (!available.Contains("GLIBCXX_3.4.32")) Assert.True(needed.Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
    }
}
