using Bazaar.Catalog;

namespace Bazaar.Tests.Search;

// What a product is and what a query asks for, read the same way (CategoryClassifier), on examples checked by hand
// against the bundled catalogue. Several are ones no ranking change was made for ("usb c hub", "toner for hp
// printers", "kvm switch", "projector lamp").
public class ProductTypeTests
{
    [Theory]
    [InlineData("laptop", "Laptops")]
    [InlineData("laptops", "Laptops")]
    [InlineData("notebook", "Laptops")]
    [InlineData("laptop lock", "Security Locks")]
    [InlineData("laptop bag", "Laptop Bags & Cases")]
    [InlineData("laptop charger", "Power Adapters & Chargers")]
    [InlineData("hp toner", "Toner Cartridges")]
    [InlineData("toner for hp printers", "Toner Cartridges")]
    [InlineData("27 inch monitor", "Monitors")]
    [InlineData("wireless mouse", "Mice")]
    [InlineData("laser printer", "Printers")]
    [InlineData("usb c hub", "USB Hubs & Card Readers")]
    [InlineData("kvm switch", "KVM Switches & Consoles")]
    [InlineData("projector lamp", "Projector Lamps")]
    [InlineData("Cat6 patch cable", "Network Cables")]
    [InlineData("thinkpad", "Laptops")]
    [InlineData("hp laserjet", "Printers")]
    public void A_query_names_the_type_it_asks_for(string query, string type) =>
        Assert.Equal(type, CategoryClassifier.Default.ClassifyQuery(query)?.Name);

    [Theory]
    [InlineData("hp")]
    [InlineData("e5440")]
    [InlineData("27 inch")]
    [InlineData("")]
    [InlineData("!!!")]
    public void A_query_that_names_no_type_has_none(string query) =>
        Assert.Null(CategoryClassifier.Default.ClassifyQuery(query));

    [Theory]
    [InlineData("Kensington", "MicroSaver", "Kensington MicroSaver Keyed Laptop Lock", "", "Security Locks")]
    [InlineData("HP", "dv7-1211ea", "HP Pavilion dv7-1211ea Notebook Silver 43.2 cm (17\") 1440 x 900 pixels Intel® Core™2 Duo 4 GB",
        "Notebook", "Laptops")]
    [InlineData("Targus", "TBT236EU", "Targus TBT236EU notebook case 39.6 cm (15.6\") Backpack case Black", "", "Laptop Bags & Cases")]
    [InlineData("Xerox", "006R90321", "Xerox 006R90321 toner cartridge Original Black 6 pc(s)", "", "Toner Cartridges")]
    [InlineData("Verbatim", "43424", "Verbatim HP LJ9000 30000 Page Toner", "", "Toner Cartridges")]
    [InlineData("HP", "C9699A", "HP LaserJet C9699A tray/feeder 500 sheets", "", "Trays & Feeders")]
    [InlineData("StarTech.com", "6 ft Standard Laptop Power Cord", "StarTech.com 6 ft Standard Laptop Power Cord - NEMA 1-15P to C7", "",
        "Power Cables")]
    public void A_product_is_the_thing_its_title_names_not_what_it_is_for(string brand, string model, string title, string productType, string type)
    {
        var product = new Product { Sku = "T", Slug = "t", Brand = brand, Model = model, Title = title };
        if (productType.Length > 0)
            product.Attributes.Add(new ProductAttribute { Key = "product_type", Name = "Product type", Kind = AttributeKind.Text, Text = productType });
        Assert.Equal(type, CategoryClassifier.Default.Classify(product).Leaf.Name);
    }
}
