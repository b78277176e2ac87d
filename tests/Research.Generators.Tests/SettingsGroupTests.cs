using System.Reflection;
using Research.Framework.Evaluation;
using Research.Framework.Experiments;
using Research.Framework.Tracking;
using Research.Framework.Training;
using Xunit;

namespace Research.Generators.Tests;

/// <summary>
/// One declaration per settings group: the options record holds each setting and its default; the group's attribute
/// only names the record's keys (same name, same type) and holds no default of its own.
/// </summary>
public class SettingsGroupTests
{
    public static TheoryData<Attribute, Type> Groups => new()
    {
        { new OptimizerAttribute(), typeof(OptimizerSettings) },
        { new EvaluateAttribute(), typeof(EvaluationSettings) },
        { new TrackerAttribute(), typeof(TrackingSettings) },
        { new RepaAttribute(typeof(object)), typeof(RepaSettings) },
    };

    /// <summary>The attribute's named-argument properties that are keys (a Type names a component, not a setting).</summary>
    static IEnumerable<PropertyInfo> Keys(Attribute attribute) => attribute.GetType().GetProperties()
        .Where(p => p.CanWrite && p.PropertyType != typeof(Type));

    [Theory]
    [MemberData(nameof(Groups))]
    public void EachAttributeKeyIsASettingOfTheRecordOfTheSameType(Attribute attribute, Type record)
    {
        Assert.NotEmpty(Keys(attribute));
        foreach (var key in Keys(attribute))
        {
            var setting = record.GetProperty(key.Name);
            Assert.True(setting is { CanWrite: true }, $"{attribute.GetType().Name}.{key.Name} is no setting of {record.Name}");
            Assert.Equal(Nullable.GetUnderlyingType(setting!.PropertyType) ?? setting.PropertyType, key.PropertyType);
        }
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public void AttributesHoldNoDefaultsOfTheirOwn(Attribute attribute, Type record)
    {
        foreach (var key in Keys(attribute))
        {
            var value = key.GetValue(attribute);
            Assert.True(value is null || value.Equals(Activator.CreateInstance(key.PropertyType)),
                $"{attribute.GetType().Name}.{key.Name} = {value}: the default belongs to {record.Name}");
        }
    }

    [Fact]
    public void RepaOptionsAreDeclaredOnceForTheWrapperAndTheSettings()
    {
        foreach (var name in new[] { "LossWeight", "Depth", "ProjectionDim" })
            Assert.Equal(typeof(Research.Framework.Interfaces.RepaOptions), typeof(RepaSettings).GetProperty(name)!.DeclaringType);
        var settings = new RepaSettings { Depth = 3 };
        Assert.Equal(3, settings.Options().Depth);
        Assert.Equal(new Research.Framework.Interfaces.RepaOptions().ProjectionDim, settings.Options().ProjectionDim);
    }

    [Fact]
    public void AdamWsHyperparametersAreDeclaredOnceForTheTrainerAndTheSettings()
    {
        var declared = typeof(AdamWHyperparameters).GetProperties().Select(p => p.Name).ToHashSet();
        Assert.Contains("LearningRate", declared);
        foreach (var type in new[] { typeof(OptimizerOptions), typeof(OptimizerSettings) })
            Assert.All(type.GetProperties().Where(p => declared.Contains(p.Name)), p => Assert.Equal(typeof(AdamWHyperparameters), p.DeclaringType));
        Assert.Equal(new OptimizerOptions().LearningRate, new OptimizerSettings().LearningRate);
        Assert.Equal(new OptimizerOptions().Beta2, new OptimizerSettings().Beta2);
    }
}
