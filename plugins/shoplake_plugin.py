"""Registers shoplake's Airflow extensions (a timetable must be registered to be serialized)."""
from airflow.plugins_manager import AirflowPlugin

from shoplake_airflow.timetable import IngestDateTimetable


class ShoplakePlugin(AirflowPlugin):
    name = "shoplake"
    timetables = [IngestDateTimetable]
