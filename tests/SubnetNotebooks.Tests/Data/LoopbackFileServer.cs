using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SubnetNotebooks.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port that serves fixed files by path
/// (404 otherwise), one connection at a time. It stops when disposed or after one minute.
/// </summary>
sealed class LoopbackFileServer : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1));
    readonly Dictionary<string, byte[]> _files;
    readonly Task _loop;
    int _requests;

    public LoopbackFileServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        _loop = Task.Run(Serve);
    }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public string BaseUrl { get; }

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            using (client)
            using (var stream = client.GetStream())
            {
                var head = new StringBuilder();
                var buffer = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n") && await stream.ReadAsync(buffer, _stop.Token) == 1)
                    head.Append((char)buffer[0]);
                var path = head.ToString().Split(' ') is [_, var p, ..] ? p.TrimStart('/') : "";
                Interlocked.Increment(ref _requests);
                bool found = _files.TryGetValue(path, out var body);
                body ??= Encoding.ASCII.GetBytes("not found");
                var status = found ? "200 OK" : "404 Not Found";
                var header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(header, _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
