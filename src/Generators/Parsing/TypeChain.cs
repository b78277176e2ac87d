using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Research.Generators;

/// <summary>A class and its base classes up to (not including) object.</summary>
internal static class TypeChain
{
    /// <summary>The farthest base class first, the class itself last.</summary>
    public static List<INamedTypeSymbol> BaseFirst(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType) chain.Insert(0, t);
        return chain;
    }
}
