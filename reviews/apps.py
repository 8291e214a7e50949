from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from accounts import measure_names
        from reviews.instrument.items import ITEMS

        # Survey questions are tagged with OSRI items (item14); pages show the item's title.
        for item in ITEMS:
            measure_names.register(f"item{item.key}", f"Item {item.key}: {item.title}")
