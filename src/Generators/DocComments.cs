using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>One documented member or constructor parameter of a referenced assembly: its id and its one-line text.</summary>
internal sealed record DocEntry(string Id, string Text);

/// <summary>
/// The XML documentation of referenced assemblies, read from additional files (the compiler does not load the docs of
/// metadata references), so the --help text of a component setting is its property's or parameter's doc comment.
/// </summary>
internal sealed record DocComments(EquatableArray<DocEntry> Entries)
{
    /// <summary>The entries of one XML documentation file (members' summaries, and "id#param" for each param element).</summary>
    public static IEnumerable<DocEntry> Read(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) yield break;
        XDocument document;
        try { document = XDocument.Parse(xml!); }
        catch (System.Xml.XmlException) { yield break; }
        foreach (var member in document.Descendants("member"))
        {
            if ((string?)member.Attribute("name") is not { Length: > 0 } id) continue;
            var text = member.ToString();
            if (DocText.Of(text, null) is { } summary && member.Element("summary") is not null) yield return new DocEntry(id, summary);
            foreach (var parameter in member.Elements("param"))
                if ((string?)parameter.Attribute("name") is { } name && DocText.Of(text, name) is { } help)
                    yield return new DocEntry($"{id}#{name}", help);
        }
    }

    /// <summary>The model with each setting that names a documented <see cref="SettingModel.DocId"/> given that text as its help.</summary>
    public ExperimentModel Fill(ExperimentModel model)
    {
        if (Entries.Count == 0) return model;
        var byId = new Dictionary<string, string>();
        foreach (var entry in Entries) byId[entry.Id] = entry.Text;
        EquatableArray<SettingModel> Settings(EquatableArray<SettingModel> settings) =>
            settings.Select(s => s.DocId is { } id && byId.TryGetValue(id, out var help) ? s with { Help = help } : s).ToEquatableArray();
        ComponentModel Component(ComponentModel c) => c with { Settings = Settings(c.Settings) };
        ComponentModel? Optional(ComponentModel? c) => c is null ? null : Component(c);
        return model with
        {
            Interface = Component(model.Interface),
            Network = Component(model.Network),
            Sampler = Component(model.Sampler),
            Grid = Optional(model.Grid),
            Dataset = Component(model.Dataset),
            Optimizer = Optional(model.Optimizer),
            Evaluation = Optional(model.Evaluation),
            Tracking = Optional(model.Tracking),
            Compute = Optional(model.Compute),
            Guidance = Optional(model.Guidance),
            Repa = model.Repa is null ? null : model.Repa with { Settings = Component(model.Repa.Settings) },
        };
    }
}
