using System.Buffers.Binary;
using System.Text;

namespace SubnetNotebooks.Training;

/// <summary>
/// Reads and edits the GNU symbol-version tables of a 64-bit little-endian ELF shared object:
/// the version names it defines (.gnu.version_d) and the versions it needs from other libraries
/// (.gnu.version_r). Used to mark a needed version weak (VER_FLG_WEAK) so the dynamic loader
/// accepts a library whose only use of that version is a symbol that is never called.
/// </summary>
public static class ElfVersionPatch
{
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    /// <summary>The ELF flag that makes a version requirement optional.</summary>
    public const ushort VerFlgWeak = 0x2;

    /// <summary>One needed version: the library it is needed from, its name, its flags and where its flags live in the file.</summary>
    public sealed record NeededVersion(string Library, string Name, ushort Flags, long FlagsOffset)
    {
        /// <summary>True when the loader tolerates this version being absent.</summary>
        public bool IsWeak => (Flags & VerFlgWeak) != 0;
    }

    /// <summary>Every version requirement (.gnu.version_r) of the ELF image.</summary>
    public static IReadOnlyList<NeededVersion> ReadNeeded(byte[] elf, string file)
    {
        var result = new List<NeededVersion>();
        foreach (var (offset, size, info, strtab) in Sections(elf, file, ShtGnuVerneed))
        {
            long vn = offset;
            for (uint i = 0; i < info && vn + 16 <= offset + size; i++)
            {
                ushort cnt = U16(elf, vn + 2);
                string lib = CString(elf, strtab + U32(elf, vn + 4));
                long aux = vn + U32(elf, vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    ushort flags = U16(elf, aux + 4);
                    string name = CString(elf, strtab + U32(elf, aux + 8));
                    result.Add(new NeededVersion(lib, name, flags, aux + 4));
                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, vn + 12);
                if (next == 0) break;
                vn += next;
            }
        }
        return result;
    }

    /// <summary>Every version name the ELF image defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
    public static IReadOnlySet<string> ReadDefined(byte[] elf, string file)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (offset, size, info, strtab) in Sections(elf, file, ShtGnuVerdef))
        {
            long vd = offset;
            for (uint i = 0; i < info && vd + 20 <= offset + size; i++)
            {
                long aux = vd + U32(elf, vd + 12);
                result.Add(CString(elf, strtab + U32(elf, aux)));
                uint next = U32(elf, vd + 16);
                if (next == 0) break;
                vd += next;
            }
        }
        return result;
    }

    /// <summary>
    /// Marks weak every version that <paramref name="elf"/> needs from <paramref name="library"/> and
    /// that <paramref name="available"/> lacks. Returns the names it marked (empty: nothing to do).
    /// </summary>
    public static IReadOnlyList<string> WeakenMissing(byte[] elf, string file, string library, IReadOnlySet<string> available)
    {
        var marked = new List<string>();
        foreach (var need in ReadNeeded(elf, file))
        {
            if (need.Library != library || need.IsWeak || available.Contains(need.Name)) continue;
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)need.FlagsOffset), (ushort)(need.Flags | VerFlgWeak));
            marked.Add(need.Name);
        }
        return marked;
    }

    static IEnumerable<(long Offset, long Size, uint Info, long StrTab)> Sections(byte[] elf, string file, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{file} is not an ELF file (no \\x7fELF magic number).");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{file} is not a 64-bit little-endian ELF file.");
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        if (shoff <= 0 || shoff + (long)shentsize * shnum > elf.Length)
            throw new InvalidDataException($"{file} is truncated: its section table ends past the end of the file.");
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (U32(elf, sh + 4) != type) continue;
            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(sh + 24)));
            long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(sh + 32)));
            uint link = U32(elf, sh + 40), info = U32(elf, sh + 44);
            long linked = shoff + (long)link * shentsize;
            long strtab = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(linked + 24)));
            yield return (offset, size, info, strtab);
        }
    }

    static ushort U16(byte[] b, long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)at));
    static uint U32(byte[] b, long at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)at));

    static string CString(byte[] b, long at)
    {
        int end = Array.IndexOf(b, (byte)0, (int)at);
        return Encoding.ASCII.GetString(b, (int)at, (end < 0 ? b.Length : end) - (int)at);
    }
}
