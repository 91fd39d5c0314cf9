from django.core.management.base import BaseCommand

from hsds import models as m
from hsds.demo_loader import load_demo_city, load_taxonomy


class Command(BaseCommand):
    help = "Load the newcomer taxonomy, and the fictional demo city when the directory has no services yet."

    def add_arguments(self, parser):
        parser.add_argument("--force-demo", action="store_true", help="Reload the demo city even if services exist.")
        parser.add_argument("--no-demo", action="store_true", help="Only load the taxonomy.")

    def handle(self, *args, force_demo=False, no_demo=False, **options):
        terms = load_taxonomy()
        self.stdout.write(f"Taxonomy: {terms} terms.")
        if no_demo:
            return
        if force_demo or not m.Service.objects.exists():
            count = load_demo_city()
            self.stdout.write(f"Demo city (fictional): {count} services loaded.")
        else:
            self.stdout.write("Directory already has services: demo data not loaded.")
