using Microsoft.AspNetCore.Components.Forms;

namespace Bazaar.Web.Components.Shop;

// Shows a facade's field errors (keyed like "sku" or "categoryId") next to the inputs that caused them.
public static class FormErrors
{
    // Returns the messages no input shows, for the summary at the top of the form.
    public static IReadOnlyList<string> Show(
        EditContext form, ValidationMessageStore store, IDictionary<string, string[]> errors, Func<string, string?>? fieldFor = null)
    {
        fieldFor ??= key => PropertyName(key) is { } name && form.Model.GetType().GetProperty(name) is not null ? name : null;
        store.Clear();
        var unplaced = new List<string>();
        foreach (var (key, messages) in errors)
        {
            if (fieldFor(key) is { } field) store.Add(new FieldIdentifier(form.Model, field), messages);
            else unplaced.AddRange(messages);
        }
        form.NotifyValidationStateChanged();
        return unplaced;
    }

    public static string? PropertyName(string key) =>
        key.Length == 0 ? null : char.ToUpperInvariant(key[0]) + key[1..];
}
