using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SubnetNotebooks.NotebookTests.Jupyter;

/// <summary>
/// `jupyter notebook` as the README tells people to run it: started on 127.0.0.1 with a token, a notebook opened
/// through its HTTP API, a kernel session started for it, and cells run through the kernel websocket protocol.
/// Needs Debian's jupyter-notebook and the kernel spec: scripts/jupyter-kernel.sh install (test.sh runs it first).
/// </summary>
public class JupyterServerTests
{
    const string Notebook = "notebooks/00-setup-check.ipynb";

    /// <summary>What the server printed (for failure messages).</summary>
    static readonly StringBuilder Log = new();

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static Process StartServer(int port, string token)
    {
        var start = new ProcessStartInfo("jupyter") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "notebook", "--no-browser", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
                     $"--NotebookApp.token={token}", $"--notebook-dir={Repository.Root}" })
            start.ArgumentList.Add(a);
        // Jupyter refuses to run as root (CI containers) without this flag.
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-root");
        start.Environment["JUPYTER_PATH"] = Path.Combine(Repository.Root, ".dotnet-tools", "jupyter");
        start.Environment["JUPYTER_RUNTIME_DIR"] = Repository.NewTempFolder("jupyter-runtime");
        start.Environment["SUBNET_PROFILE"] = "smoke";
        try
        {
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { lock (Log) Log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (Log) Log.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("`jupyter` is not on the PATH: run scripts/jupyter-kernel.sh install (it installs Debian's jupyter-notebook).", e);
        }
    }

    /// <summary>Sends one execute_request on the shell channel; returns the iopub messages of that request and its execute_reply.</summary>
    static async Task<(List<JsonNode> IoPub, JsonNode Reply)> ExecuteAsync(ClientWebSocket socket, string session, string code)
    {
        var id = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = id, ["username"] = "test", ["session"] = session, ["msg_type"] = "execute_request", ["version"] = "5.3", ["date"] = DateTime.UtcNow.ToString("O") },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = new JsonObject { ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = true },
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var iopub = new List<JsonNode>();
        JsonNode? reply = null;
        bool idle = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var buffer = new byte[1 << 20];
        while (reply is null || !idle)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);
            var node = JsonNode.Parse(message.ToArray())!;
            if (node["parent_header"]?["msg_id"]?.GetValue<string>() != id) continue;
            var type = node["header"]!["msg_type"]!.GetValue<string>();
            if (node["channel"]?.GetValue<string>() == "iopub")
            {
                iopub.Add(node);
                if (type == "status" && node["content"]!["execution_state"]!.GetValue<string>() == "idle") idle = true;
            }
            else if (type == "execute_reply") reply = node;
        }
        return (iopub, reply);
    }

    [Fact]
    public async Task JupyterNotebookOnLoopbackOpensANotebookAndRunsItsCellsThroughTheKernel()
    {
        int port = FreePort();
        var token = Guid.NewGuid().ToString("N");
        using var server = StartServer(port, token);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("token", token);
            var started = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(server.HasExited, $"jupyter notebook exited with code {(server.HasExited ? server.ExitCode : 0)}:\n{Log}");
                try { if ((await http.GetAsync("api/status")).IsSuccessStatusCode) break; } catch (HttpRequestException) { }
                Assert.True(started.Elapsed < TimeSpan.FromMinutes(2), "jupyter notebook did not answer /api/status within 2 minutes");
                await Task.Delay(500);
            }
            // Without the token the server refuses the API.
            using (var anonymous = new HttpClient())
                Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"http://127.0.0.1:{port}/api/contents/{Notebook}")).StatusCode);

            var contents = await http.GetFromJsonAsync<JsonNode>($"api/contents/{Notebook}");
            Assert.Equal("notebook", contents!["type"]!.GetValue<string>());
            var cells = contents["content"]!["cells"]!.AsArray().Where(c => c!["cell_type"]!.GetValue<string>() == "code").ToList();
            var setup = cells[0]!["source"]!.GetValue<string>();
            Assert.StartsWith("#!import setup.csx", setup);

            var sessionResponse = await http.PostAsJsonAsync("api/sessions", new JsonObject
            {
                ["path"] = Notebook, ["type"] = "notebook", ["name"] = "", ["kernel"] = new JsonObject { ["name"] = ".net-csharp" },
            });
            Assert.Equal(HttpStatusCode.Created, sessionResponse.StatusCode);
            var kernelId = (await sessionResponse.Content.ReadFromJsonAsync<JsonNode>())!["kernel"]!["id"]!.GetValue<string>();

            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", $"token {token}");
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/api/kernels/{kernelId}/channels"), CancellationToken.None);
            var session = Guid.NewGuid().ToString("N");

            var (setupOutputs, setupReply) = await ExecuteAsync(socket, session, setup);
            Assert.True(setupReply["content"]!["status"]!.GetValue<string>() == "ok", setupReply.ToJsonString());
            Assert.Contains(setupOutputs, m => m["header"]!["msg_type"]!.GetValue<string>() == "display_data"
                && (m["content"]!["data"]?["text/html"]?.GetValue<string>() ?? "").Contains("* plotly.js v"));

            // 0 + 1 + ... + 5 = 15, computed by libtorch in the kernel.
            var (sumOutputs, sumReply) = await ExecuteAsync(socket, session, "torch.arange(6, dtype: torch.float32).sum().item<float>()");
            Assert.True(sumReply["content"]!["status"]!.GetValue<string>() == "ok", sumReply.ToJsonString());
            var result = Assert.Single(sumOutputs, m => m["header"]!["msg_type"]!.GetValue<string>() == "execute_result");
            // The .NET kernel formats a float as HTML: <div class="dni-plaintext"><pre>15</pre></div>.
            var data = result["content"]!["data"]!;
            var shown = data["text/plain"]?.GetValue<string>().Trim() ?? data["text/html"]?.GetValue<string>() ?? "";
            Assert.True(shown == "15" || shown.Contains("<pre>15</pre>"), data.ToJsonString());
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }
}
