from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from accounts import attention, measure_names
        from reviews.attention import review_attention
        from reviews.instrument.items import ITEMS

        attention.register(review_attention)  # the home page's lines

        # Survey questions are tagged with OSRI items (item14); pages show the item's title.
        for item in ITEMS:
            measure_names.register(f"item{item.key}", f"Item {item.key}: {item.title}")
