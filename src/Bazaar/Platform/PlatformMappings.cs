using Microsoft.EntityFrameworkCore;

namespace Bazaar.Platform;

internal static class PlatformMappings
{
    public static void MapPlatform(this ModelBuilder model) =>
        model.Entity<FirstStartStep>(s =>
        {
            s.ToTable("first_start_steps");
            s.HasKey(x => x.Name);
            s.Property(x => x.Name).HasMaxLength(40);
            s.Property(x => x.Detail).HasMaxLength(300);
        });
}
