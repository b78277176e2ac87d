using System.Reflection;
using System.Reflection.Emit;

namespace Research.Framework.Tests.Architecture;

/// <summary>
/// Which folder of an assembly uses which, read from the compiled code: every type's base type, interfaces,
/// attributes, fields, properties, method signatures and locals, and every type, method and field token in the
/// method bodies (IL), so a fully qualified name (<c>new Training.X()</c>) or a lambda counts as much as a
/// <c>using</c> line. A folder is the first namespace segment under the root (<c>Research.Framework.Sweeps.Trials</c>
/// is in <c>Sweeps</c>); nested and compiler-generated types count for the folder of their namespace.
/// </summary>
public sealed class FolderDependencies
{
    const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!).ToDictionary(code => code.Value);

    readonly Assembly assembly;
    readonly string root;
    readonly Dictionary<string, Dictionary<string, string>> edges = [];

    FolderDependencies(Assembly assembly, string root) => (this.assembly, this.root) = (assembly, root);

    /// <summary>For each folder, the folders it uses, each with one example reference (<c>Sweeps.SweepFile → Experiments.Overrides</c>).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges => edges;

    /// <summary>The folders under <paramref name="root"/> (a namespace) in <paramref name="assembly"/> and their uses of each other.</summary>
    public static FolderDependencies Read(Assembly assembly, string root)
    {
        var dependencies = new FolderDependencies(assembly, root);
        foreach (var type in assembly.GetTypes())
            if (dependencies.FolderOf(type) is { } folder) dependencies.Visit(type, folder);
        return dependencies;
    }

    /// <summary>The folder of a type of this assembly under the root, or null (another assembly, the root itself, no namespace).</summary>
    string? FolderOf(Type type)
    {
        if (type.Assembly != assembly || type.Namespace is not { } name || !name.StartsWith(root + ".", StringComparison.Ordinal)) return null;
        return name[(root.Length + 1)..].Split('.')[0];
    }

    void Visit(Type type, string folder)
    {
        void Use(Type? used)
        {
            foreach (var target in Constituents(used))
                if (FolderOf(target) is { } other && other != folder && edges.GetValueOrDefault(folder)?.ContainsKey(other) != true)
                {
                    if (!edges.TryGetValue(folder, out var uses)) edges[folder] = uses = [];
                    uses[other] = $"{Short(type)} → {Short(target)}";
                }
        }

        Use(type.BaseType);
        foreach (var contract in type.GetInterfaces()) Use(contract);
        foreach (var attribute in type.GetCustomAttributesData()) Use(attribute.AttributeType);
        foreach (var field in type.GetFields(Declared)) Use(field.FieldType);
        foreach (var property in type.GetProperties(Declared)) Use(property.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) Use(info.ReturnType);
            foreach (var parameter in method.GetParameters()) Use(parameter.ParameterType);
            foreach (var attribute in method.GetCustomAttributesData()) Use(attribute.AttributeType);
            if (method.GetMethodBody() is not { } body) continue;
            foreach (var local in body.LocalVariables) Use(local.LocalType);
            foreach (var member in Tokens(method, body.GetILAsByteArray() ?? []))
                switch (member)
                {
                    case Type used: Use(used); break;
                    case FieldInfo field: Use(field.DeclaringType); Use(field.FieldType); break;
                    case MethodBase called:
                        Use(called.DeclaringType);
                        if (called is MethodInfo { IsGenericMethod: true } generic) foreach (var argument in generic.GetGenericArguments()) Use(argument);
                        break;
                }
        }
    }

    /// <summary>The types, fields and methods the IL of <paramref name="method"/> names.</summary>
    static IEnumerable<MemberInfo> Tokens(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            int operand = at;
            at += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (code.OperandType is OperandType.InlineType or OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok)
                yield return method.Module.ResolveMember(BitConverter.ToInt32(il, operand), typeArguments, methodArguments)!;
        }
    }

    /// <summary>The named types inside a type: an array's element, a generic's definition and arguments.</summary>
    static IEnumerable<Type> Constituents(Type? type)
    {
        if (type is null || type.IsGenericParameter) yield break;
        if (type.HasElementType)
        {
            foreach (var inner in Constituents(type.GetElementType())) yield return inner;
            yield break;
        }
        if (type.IsConstructedGenericType)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var argument in type.GetGenericArguments())
                foreach (var inner in Constituents(argument)) yield return inner;
            yield break;
        }
        yield return type;
    }

    /// <summary>The type's name under the root, of its outermost declaring type (a lambda's closure class names its method's type).</summary>
    string Short(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return (type.FullName ?? type.Name)[(root.Length + 1)..];
    }
}
