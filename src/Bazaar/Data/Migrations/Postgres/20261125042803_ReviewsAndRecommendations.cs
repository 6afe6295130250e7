using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bazaar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReviewsAndRecommendations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "rating_average",
                table: "products",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<int>(
                name: "rating_count",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "demo",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "copurchase_items",
                columns: table => new
                {
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    baskets = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_copurchase_items", x => x.product_id);
                    table.CheckConstraint("ck_copurchase_item_baskets", "baskets >= 0");
                });

            migrationBuilder.CreateTable(
                name: "copurchase_pairs",
                columns: table => new
                {
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    other_id = table.Column<int>(type: "integer", nullable: false),
                    baskets = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_copurchase_pairs", x => new { x.product_id, x.other_id });
                    table.CheckConstraint("ck_copurchase_pair_baskets", "baskets >= 0");
                });

            migrationBuilder.CreateTable(
                name: "recent_views",
                columns: table => new
                {
                    shopper_key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    viewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recent_views", x => new { x.shopper_key, x.product_id });
                });

            migrationBuilder.CreateTable(
                name: "recommendation_progress",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    last_order_id = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    rebuilt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recommendation_progress", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "reviews",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    customer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    author_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    rating = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    body = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    verified_purchase = table.Column<bool>(type: "boolean", nullable: false),
                    helpful_votes = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    moderation_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    moderated_by = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    moderated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    demo = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reviews", x => x.id);
                    table.CheckConstraint("ck_review_helpful_votes", "helpful_votes >= 0");
                    table.CheckConstraint("ck_review_rating", "rating >= 1 AND rating <= 5");
                });

            migrationBuilder.CreateTable(
                name: "review_votes",
                columns: table => new
                {
                    review_id = table.Column<long>(type: "bigint", nullable: false),
                    customer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_votes", x => new { x.review_id, x.customer_id });
                    table.ForeignKey(
                        name: "fk_review_votes_reviews_review_id",
                        column: x => x.review_id,
                        principalTable: "reviews",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_products_released_on_id",
                table: "products",
                columns: new[] { "released_on", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_demo",
                table: "orders",
                column: "demo");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_product_id",
                table: "order_lines",
                column: "product_id");

            migrationBuilder.CreateIndex(
                name: "ix_recent_views_shopper_key_viewed_at",
                table: "recent_views",
                columns: new[] { "shopper_key", "viewed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_customer_id_updated_at",
                table: "reviews",
                columns: new[] { "customer_id", "updated_at" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_product_id_customer_id",
                table: "reviews",
                columns: new[] { "product_id", "customer_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reviews_product_id_status_helpful_votes",
                table: "reviews",
                columns: new[] { "product_id", "status", "helpful_votes" });

            migrationBuilder.CreateIndex(
                name: "ix_reviews_status_updated_at",
                table: "reviews",
                columns: new[] { "status", "updated_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "copurchase_items");

            migrationBuilder.DropTable(
                name: "copurchase_pairs");

            migrationBuilder.DropTable(
                name: "recent_views");

            migrationBuilder.DropTable(
                name: "recommendation_progress");

            migrationBuilder.DropTable(
                name: "review_votes");

            migrationBuilder.DropTable(
                name: "reviews");

            migrationBuilder.DropIndex(
                name: "ix_products_released_on_id",
                table: "products");

            migrationBuilder.DropIndex(
                name: "ix_orders_demo",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_order_lines_product_id",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "rating_average",
                table: "products");

            migrationBuilder.DropColumn(
                name: "rating_count",
                table: "products");

            migrationBuilder.DropColumn(
                name: "demo",
                table: "orders");
        }
    }
}
