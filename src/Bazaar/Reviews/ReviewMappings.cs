using Microsoft.EntityFrameworkCore;

namespace Bazaar.Reviews;

internal static class ReviewMappings
{
    public static void MapReviews(this ModelBuilder model)
    {
        model.Entity<Review>(r =>
        {
            r.ToTable("reviews", t =>
            {
                t.HasCheckConstraint("ck_review_rating", "rating >= 1 AND rating <= 5");
                t.HasCheckConstraint("ck_review_helpful_votes", "helpful_votes >= 0");
            });
            r.Property(x => x.CustomerId).HasMaxLength(450);
            r.Property(x => x.AuthorName).HasMaxLength(100);
            r.Property(x => x.Title).HasMaxLength(ReviewsOptions.TitleMaxLength);
            r.Property(x => x.Body).HasMaxLength(ReviewsOptions.BodyMaxLength);
            r.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
            r.Property(x => x.ModerationReason).HasMaxLength(300);
            r.Property(x => x.ModeratedBy).HasMaxLength(120);
            r.HasIndex(x => new { x.ProductId, x.CustomerId }).IsUnique();
            r.HasIndex(x => new { x.ProductId, x.Status, x.HelpfulVotes });
            r.HasIndex(x => new { x.CustomerId, x.UpdatedAt });
            r.HasIndex(x => new { x.Status, x.UpdatedAt });
        });

        model.Entity<ReviewVote>(v =>
        {
            v.ToTable("review_votes");
            v.HasKey(x => new { x.ReviewId, x.CustomerId });
            v.Property(x => x.CustomerId).HasMaxLength(450);
            v.HasOne<Review>().WithMany().HasForeignKey(x => x.ReviewId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
