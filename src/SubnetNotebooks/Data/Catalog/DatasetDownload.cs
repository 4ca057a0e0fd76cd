using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace SubnetNotebooks.Data;

/// <summary>
/// Downloads official dataset files, verifies their SHA-256 before keeping them, and unpacks
/// .tar.gz / .tgz (System.Formats.Tar) and .zip archives.
/// </summary>
public static class DatasetDownload
{
    /// <summary>
    /// Makes <paramref name="archive"/> present and verified in <paramref name="folder"/>: a cached copy
    /// with the right hash is reused; otherwise it is downloaded to a temporary file, hashed, and
    /// moved into place only when the hash matches (nothing is kept when it does not).
    /// </summary>
    /// <param name="archive">file, URL and expected SHA-256</param>
    /// <param name="folder">destination folder (created when missing)</param>
    /// <param name="http">client to use; null: a new one</param>
    /// <returns>the path of the verified file</returns>
    public static string Fetch(DatasetArchive archive, string folder, HttpClient? http = null)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, archive.FileName);
        if (File.Exists(target))
        {
            if (Sha256Of(target) == archive.Sha256.ToLowerInvariant()) return target;
            File.Delete(target);
        }
        var partial = target + ".part";
        var owned = http is null;
        http ??= new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        try
        {
            string actual;
            try
            {
                using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, archive.Url), HttpCompletionOption.ResponseHeadersRead);
                if (!response.IsSuccessStatusCode)
                    throw new IOException(
                        $"Downloading {archive.FileName} from {archive.Url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}. " +
                        $"Retry later, or download it by hand into {folder}; see datasets.md#{DatasetDocs.NotFound}.");
                using var body = response.Content.ReadAsStream();
                using var file = File.Create(partial);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = body.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            catch (HttpRequestException e)
            {
                throw new IOException(
                    $"Downloading {archive.FileName} from {archive.Url} failed: {e.Message}. " +
                    $"Check the network, or download it by hand into {folder}; see datasets.md#{DatasetDocs.NotFound}.", e);
            }
            if (actual != archive.Sha256.ToLowerInvariant())
                throw new DatasetFormatException(target,
                    $"Downloaded {archive.FileName} from {archive.Url} has SHA-256 {actual}; expected {archive.Sha256.ToLowerInvariant()}. Nothing was kept.",
                    "Retry; if it happens again the source serves a different file, so download the official archive by hand and check its hash",
                    DatasetDocs.ChecksumMismatch);
            File.Move(partial, target, overwrite: true);
            return target;
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
            if (owned) http.Dispose();
        }
    }

    /// <summary>Extracts a .tar.gz / .tgz or .zip archive into <paramref name="folder"/> (other files are left as they are).</summary>
    public static void Unpack(string archive, string folder)
    {
        Directory.CreateDirectory(folder);
        if (archive.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || archive.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
        {
            using var file = File.OpenRead(archive);
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            TarFile.ExtractToDirectory(gz, folder, overwriteFiles: true);
        }
        else if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipFile.ExtractToDirectory(archive, folder, overwriteFiles: true);
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
