// Four tiny folders whose uses of each other the layering test must see: Alpha → Beta → Gamma → Alpha is a cycle
// made only of references a `using` scan would miss, and Delta → Beta goes through a lambda.
#pragma warning disable CA1822
namespace Research.Framework.Tests.Architecture.Fixture.Alpha
{
    public sealed class BodyOnly
    {
        public static object Make() => new Beta.Target();
    }
}

namespace Research.Framework.Tests.Architecture.Fixture.Beta
{
    public sealed class Target
    {
        public Gamma.Holder? Next;
    }
}

namespace Research.Framework.Tests.Architecture.Fixture.Gamma
{
    public sealed class Holder
    {
        public static int Count(List<Alpha.BodyOnly[]> items) => items.Count;
    }
}

namespace Research.Framework.Tests.Architecture.Fixture.Delta
{
    public static class Lambda
    {
        public static Func<object> Later() => () => new Beta.Target();
    }
}
