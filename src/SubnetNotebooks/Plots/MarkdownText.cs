using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SubnetNotebooks.Plots;

/// <summary>
/// The small Markdown subset a report's prose uses, as HTML: paragraphs (blank-line separated),
/// "# " to "### " headings, "- " bullet lists, **bold**, *emphasis*, `code` and [links](url).
/// Everything else is shown as text (HTML is escaped).
/// </summary>
public static partial class MarkdownText
{
    /// <summary>Converts <paramref name="markdown"/> to an HTML fragment.</summary>
    public static string ToHtml(string markdown)
    {
        var html = new StringBuilder();
        foreach (var block in Regex.Split(markdown.Replace("\r\n", "\n").Trim(), @"\n\s*\n"))
        {
            var lines = block.Split('\n');
            if (lines.All(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)))
            {
                html.Append("<ul>");
                foreach (var l in lines) html.Append("<li>").Append(Inline(l.TrimStart()[2..])).Append("</li>");
                html.Append("</ul>\n");
            }
            else if (HeadingPattern().Match(block) is { Success: true } h && lines.Length == 1)
            {
                int level = h.Groups[1].Value.Length + 1;
                html.Append($"<h{level}>").Append(Inline(h.Groups[2].Value)).Append($"</h{level}>\n");
            }
            else if (block.Length > 0)
            {
                html.Append("<p>").Append(string.Join("<br>\n", lines.Select(Inline))).Append("</p>\n");
            }
        }
        return html.ToString();
    }

    static string Inline(string text)
    {
        string s = WebUtility.HtmlEncode(text);
        s = CodePattern().Replace(s, "<code>$1</code>");
        s = BoldPattern().Replace(s, "<strong>$1</strong>");
        s = EmphasisPattern().Replace(s, "<em>$1</em>");
        s = LinkPattern().Replace(s, "<a href=\"$2\">$1</a>");
        return s;
    }

    [GeneratedRegex(@"^(#{1,3})\s+(.+)$")] private static partial Regex HeadingPattern();
    [GeneratedRegex(@"`([^`]+)`")] private static partial Regex CodePattern();
    [GeneratedRegex(@"\*\*([^*]+)\*\*")] private static partial Regex BoldPattern();
    [GeneratedRegex(@"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])")] private static partial Regex EmphasisPattern();
    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s""]+)\)")] private static partial Regex LinkPattern();
}
