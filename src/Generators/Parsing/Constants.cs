using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>Turns attribute values and parameter defaults into <see cref="Constant"/> facts.</summary>
internal static class Constants
{
    /// <summary>A constant of <paramref name="type"/> (a parameter's default), or null when its value is of no supported kind.</summary>
    public static Constant? Of(ITypeSymbol type, object? value)
    {
        if (SettingReader.Kind(type) is not { } kind) return null;
        if (value is null) return new Constant(kind, null);
        if (kind == SettingKind.Enum) return Enum(EnumType(type), value);
        return value switch
        {
            string s => new Constant(SettingKind.String, s),
            bool b => new Constant(SettingKind.Boolean, b ? "true" : "false"),
            int i => new Constant(SettingKind.Int32, Invariant(i)),
            long l => new Constant(SettingKind.Int64, Invariant(l)),
            double d => new Constant(SettingKind.Double, d.ToString("R", CultureInfo.InvariantCulture)),
            float f => new Constant(SettingKind.Single, f.ToString("R", CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>The value as a constant of the setting's kind, or null when its type does not fit (numeric widening allowed).</summary>
    public static Constant? Convert(TypedConstant value, SettingModel setting)
    {
        if (value.IsNull || value.Kind == TypedConstantKind.Array)
            return value.IsNull && (setting.Kind == SettingKind.String || setting.Nullable) ? new Constant(setting.Kind, null) : null;
        var type = value.Type!;
        return (setting.Kind, SettingReader.Kind(type)) switch
        {
            // The value's enum type against the setting's, by the fully qualified name the model holds (an enum of any assembly, not a framework symbol).
            (SettingKind.Enum, SettingKind.Enum) when type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == setting.ValueTypeName => Enum(type, value.Value!),
            (SettingKind.String, SettingKind.String) or (SettingKind.Boolean, SettingKind.Boolean) or (SettingKind.Int32, SettingKind.Int32) => Of(type, value.Value),
            (SettingKind.Int64, SettingKind.Int32 or SettingKind.Int64) => new Constant(SettingKind.Int64, Invariant(System.Convert.ToInt64(value.Value, CultureInfo.InvariantCulture))),
            (SettingKind.Single, SettingKind.Int32 or SettingKind.Int64 or SettingKind.Single) =>
                new Constant(SettingKind.Single, System.Convert.ToSingle(value.Value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
            (SettingKind.Double, SettingKind.Int32 or SettingKind.Int64 or SettingKind.Single or SettingKind.Double) =>
                new Constant(SettingKind.Double, System.Convert.ToDouble(value.Value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>The value as a double (an attribute's numeric constructor argument), or NaN.</summary>
    public static double Number(TypedConstant value) =>
        value.Value is IConvertible number ? number.ToDouble(CultureInfo.InvariantCulture) : double.NaN;

    /// <summary>The value as a diagnostic shows it.</summary>
    public static string Display(TypedConstant value) => value.IsNull ? "null" : value.Kind == TypedConstantKind.Array ? "[...]"
        : value.Value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.Value?.ToString() ?? "null";

    /// <summary>An enum constant by its member's name, or by number when no member has the value.</summary>
    static Constant Enum(ITypeSymbol type, object value)
    {
        var member = type.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value));
        return member is null
            ? new Constant(SettingKind.Enum, System.Convert.ToString(value, CultureInfo.InvariantCulture), EnumNumber: true)
            : new Constant(SettingKind.Enum, member.Name);
    }

    static ITypeSymbol EnumType(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
