from django.core.management.base import BaseCommand
from django.utils import timezone

from demo.services import demo_data_seed


class Command(BaseCommand):
    help = (
        "Create demo staff (with known passwords), clients, a diary with appointments today, and two gait "
        "sessions and a programme for Priya (synthetic runner). Safe to run twice."
    )

    def handle(self, *args, **options):
        accounts = demo_data_seed(now=timezone.now())
        self.stdout.write(self.style.SUCCESS("Demo accounts (change these before real use):"))
        for username, password, role in accounts:
            self.stdout.write(f"  {role:<13} username: {username:<10} password: {password}")
