using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>XML documentation as one line of plain text: the help of a setting, the description of an experiment.</summary>
internal static class DocText
{
    /// <summary>The symbol's doc summary (the whole comment when it has no summary element), or null.</summary>
    public static string? Summary(ISymbol symbol) => Of(symbol.GetDocumentationCommentXml(expandIncludes: false), null);

    /// <summary>The param element of the parameter's method, or null.</summary>
    public static string? ParameterHelp(IParameterSymbol parameter) =>
        Of(parameter.ContainingSymbol.GetDocumentationCommentXml(expandIncludes: false), parameter.Name);

    /// <summary>The summary (<paramref name="parameter"/> null) or a param element of a doc comment as one line; see/paramref become their names.</summary>
    public static string? Of(string? xml, string? parameter)
    {
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            var root = XElement.Parse(xml!);
            var element = parameter is null
                ? root.Element("summary") ?? root
                : root.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == parameter);
            if (element is null) return null;
            foreach (var reference in element.Descendants().Where(e => e.Name == "see" || e.Name == "paramref" || e.Name == "typeparamref").ToList())
            {
                var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? (string?)reference.Attribute("langword") ?? "";
                reference.ReplaceWith(target.Substring(target.LastIndexOf('.') + 1).Replace("T:", ""));
            }
            var text = Regex.Replace(element.Value, @"\s+", " ").Trim();
            return text.Length == 0 ? null : text;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
