"""Request Reply Time: seconds outside the store's overnight hours, in Python and PostgreSQL."""

import datetime
import importlib.util
import random
import unittest
import uuid
import zoneinfo
from pathlib import Path

import pytest

try:
    import psycopg2
except ImportError:  # Odoo needs it: only a broken virtualenv lacks it
    psycopg2 = None
from clienteling_tools.reply_time import (
    SQL_FUNCTION,
    average_reply_seconds,
    business_seconds,
)

REPO = Path(__file__).resolve().parent.parent
T = datetime.time
UTC = datetime.timezone.utc
PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"
HOUR = 3600.0


def local(tz, *fields, fold=0):
    """An aware datetime on the store's wall clock."""
    return datetime.datetime(*fields, tzinfo=zoneinfo.ZoneInfo(tz), fold=fold)


def naive_utc(value):
    return value.astimezone(UTC).replace(tzinfo=None)


# (tz, start, end, night_start, night_end, expected seconds)
CASES = [
    # a working day in winter and in summer
    (
        PARIS,
        local(PARIS, 2026, 1, 12, 11),
        local(PARIS, 2026, 1, 12, 12, 30),
        T(22),
        T(10),
        1.5 * HOUR,
    ),
    (
        NEW_YORK,
        local(NEW_YORK, 2026, 7, 1, 10),
        local(NEW_YORK, 2026, 7, 1, 22),
        T(22),
        T(10),
        12 * HOUR,
    ),
    # over one night: 21:00-22:00 and 10:00-11:00
    (PARIS, local(PARIS, 2026, 1, 12, 21), local(PARIS, 2026, 1, 13, 11), T(22), T(10), 2 * HOUR),
    # start inside the night, before midnight and after
    (PARIS, local(PARIS, 2026, 1, 12, 23), local(PARIS, 2026, 1, 13, 9), T(22), T(10), 0.0),
    (PARIS, local(PARIS, 2026, 1, 12, 23), local(PARIS, 2026, 1, 13, 10, 30), T(22), T(10), 1800.0),
    (PARIS, local(PARIS, 2026, 1, 13, 3), local(PARIS, 2026, 1, 13, 10, 0, 1), T(22), T(10), 1.0),
    # end inside the night
    (PARIS, local(PARIS, 2026, 1, 12, 20), local(PARIS, 2026, 1, 13, 4), T(22), T(10), 2 * HOUR),
    # several days: Monday 10:00 to Thursday 10:00 is three days of 12 hours
    (PARIS, local(PARIS, 2026, 1, 12, 10), local(PARIS, 2026, 1, 15, 10), T(22), T(10), 36 * HOUR),
    (
        PARIS,
        local(PARIS, 2026, 1, 12, 9),
        local(PARIS, 2026, 1, 22, 23),
        T(22),
        T(10),
        10 * 12 * HOUR + 12 * HOUR,
    ),
    # spring forward, Paris 29 March 2026 (02:00 -> 03:00): the night lasts 11 hours,
    # 21:00 -> 11:00 is 13 real hours of which 2 count
    (PARIS, local(PARIS, 2026, 3, 28, 21), local(PARIS, 2026, 3, 29, 11), T(22), T(10), 2 * HOUR),
    (PARIS, local(PARIS, 2026, 3, 28, 10), local(PARIS, 2026, 3, 29, 10), T(22), T(10), 12 * HOUR),
    # fall back, Paris 25 October 2026 (03:00 -> 02:00): the night lasts 13 hours
    (PARIS, local(PARIS, 2026, 10, 24, 21), local(PARIS, 2026, 10, 25, 11), T(22), T(10), 2 * HOUR),
    (
        PARIS,
        local(PARIS, 2026, 10, 24, 10),
        local(PARIS, 2026, 10, 25, 10),
        T(22),
        T(10),
        12 * HOUR,
    ),
    # New York: 8 March 2026 (spring) and 1 November 2026 (fall)
    (
        NEW_YORK,
        local(NEW_YORK, 2026, 3, 7, 21),
        local(NEW_YORK, 2026, 3, 8, 11),
        T(22),
        T(10),
        2 * HOUR,
    ),
    (
        NEW_YORK,
        local(NEW_YORK, 2026, 10, 31, 21),
        local(NEW_YORK, 2026, 11, 1, 11),
        T(22),
        T(10),
        2 * HOUR,
    ),
    # start == end, by day and by night
    (PARIS, local(PARIS, 2026, 1, 12, 12), local(PARIS, 2026, 1, 12, 12), T(22), T(10), 0.0),
    (PARIS, local(PARIS, 2026, 1, 12, 23), local(PARIS, 2026, 1, 12, 23), T(22), T(10), 0.0),
    # a window that does not wrap midnight: 00:00 -> 06:00 keeps 00:00-01:00 and 05:00-06:00
    (PARIS, local(PARIS, 2026, 1, 12, 0), local(PARIS, 2026, 1, 12, 6), T(1), T(5), 2 * HOUR),
    (PARIS, local(PARIS, 2026, 1, 12, 12), local(PARIS, 2026, 1, 14, 12), T(1), T(5), 40 * HOUR),
    # ... across New York's fall back: 01:00 happens twice, the window opens at the later
    # 01:00 (EST); 00:00 EDT -> 06:00 EST is 7 real hours, 4 excluded
    (
        NEW_YORK,
        local(NEW_YORK, 2026, 11, 1, 0),
        local(NEW_YORK, 2026, 11, 1, 6),
        T(1),
        T(5),
        3 * HOUR,
    ),
    # ... across its spring forward: 01:00-05:00 EST/EDT is 3 real hours
    (
        NEW_YORK,
        local(NEW_YORK, 2026, 3, 8, 0),
        local(NEW_YORK, 2026, 3, 8, 6),
        T(1),
        T(5),
        2 * HOUR,
    ),
    # an empty window excludes nothing
    (PARIS, local(PARIS, 2026, 1, 12, 21), local(PARIS, 2026, 1, 13, 11), T(3), T(3), 14 * HOUR),
    (PARIS, local(PARIS, 2026, 3, 28, 21), local(PARIS, 2026, 3, 29, 11), T(0), T(0), 13 * HOUR),
    # seconds and microseconds are kept
    (
        PARIS,
        local(PARIS, 2026, 1, 12, 9, 59, 59),
        local(PARIS, 2026, 1, 12, 10, 0, 1, 500000),
        T(22),
        T(10),
        1.5,
    ),
]


@pytest.mark.parametrize(("tz", "start", "end", "night_start", "night_end", "expected"), CASES)
def test_business_seconds(tz, start, end, night_start, night_end, expected):
    assert business_seconds(start, end, tz, night_start, night_end) == pytest.approx(
        expected, abs=1e-6
    )
    # naive datetimes are UTC
    naive = business_seconds(naive_utc(start), naive_utc(end), tz, night_start, night_end)
    assert naive == pytest.approx(expected, abs=1e-6)
    # an aware datetime in another zone is the same instant
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    moved = business_seconds(
        start.astimezone(tokyo), end.astimezone(tokyo), tz, night_start, night_end
    )
    assert moved == pytest.approx(expected, abs=1e-6)
    # a ZoneInfo works as well as its name
    assert business_seconds(
        start, end, zoneinfo.ZoneInfo(tz), night_start, night_end
    ) == pytest.approx(expected, abs=1e-6)


def test_default_window_is_22_to_10():
    start, end = local(PARIS, 2026, 1, 12, 21), local(PARIS, 2026, 1, 13, 11)
    assert business_seconds(start, end, PARIS) == 2 * HOUR
    assert business_seconds(start, end, PARIS) == business_seconds(start, end, PARIS, T(22), T(10))


def test_the_store_zone_decides():
    # 20:00 -> 23:00 UTC is 21:00 -> 00:00 in Paris (1 hour counts), 15:00 -> 18:00 in New York
    start = datetime.datetime(2026, 1, 12, 20)
    end = datetime.datetime(2026, 1, 12, 23)
    assert business_seconds(start, end, PARIS) == HOUR
    assert business_seconds(start, end, NEW_YORK) == 3 * HOUR
    assert business_seconds(start, end, "UTC") == 2 * HOUR


def test_end_before_start_raises():
    start, end = local(PARIS, 2026, 1, 12, 12), local(PARIS, 2026, 1, 12, 11, 59, 59)
    with pytest.raises(ValueError, match="before start"):
        business_seconds(start, end, PARIS)
    with pytest.raises(ValueError, match="before start"):
        business_seconds(start, end, PARIS, T(3), T(3))


@pytest.mark.parametrize(
    ("tz", "message"),
    [
        ("Mars/Olympus_Mons", "unknown time zone"),
        ("../etc/passwd", "unknown time zone"),
        ("", "time zone name is required"),
        ("  ", "time zone name is required"),
        (None, "time zone name is required"),
        (1, "time zone name is required"),
    ],
)
def test_bad_time_zone(tz, message):
    start = datetime.datetime(2026, 1, 12, 10)
    with pytest.raises(ValueError, match=message):
        business_seconds(start, start + datetime.timedelta(hours=1), tz)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime.date(2026, 1, 12), datetime.datetime(2026, 1, 13), "start must be a datetime"),
        (datetime.datetime(2026, 1, 12), "2026-01-13 10:00", "end must be a datetime"),
        (None, datetime.datetime(2026, 1, 13), "start must be a datetime"),
        (datetime.datetime(2026, 1, 12), None, "end must be a datetime"),
        (1767225600, datetime.datetime(2026, 1, 13), "start must be a datetime"),
    ],
)
def test_bad_datetimes(start, end, message):
    with pytest.raises(ValueError, match=message):
        business_seconds(start, end, PARIS)


@pytest.mark.parametrize(
    ("night_start", "night_end", "message"),
    [
        ("22:00", T(10), "night_start must be a datetime.time"),
        (T(22), 10, "night_end must be a datetime.time"),
        (datetime.datetime(2026, 1, 1, 22), T(10), "night_start must be a datetime.time"),
        (T(22, tzinfo=UTC), T(10), "takes no time zone"),
        (T(22), T(10, tzinfo=UTC), "takes no time zone"),
    ],
)
def test_bad_window(night_start, night_end, message):
    start = datetime.datetime(2026, 1, 12, 10)
    with pytest.raises(ValueError, match=message):
        business_seconds(start, start + datetime.timedelta(hours=1), PARIS, night_start, night_end)


def _minutes_outside(start, tz, minutes, night_start, night_end):
    """The oracle: count the minutes whose local wall clock is outside the window."""
    zone = zoneinfo.ZoneInfo(tz)
    kept = 0
    for minute in range(minutes):
        wall = (start + datetime.timedelta(minutes=minute)).astimezone(zone).time()
        if night_start > night_end:
            inside = wall >= night_start or wall < night_end
        else:
            inside = night_start <= wall < night_end
        kept += not inside
    return kept * 60.0


@pytest.mark.parametrize("tz", [PARIS, NEW_YORK, "Australia/Sydney"])
@pytest.mark.parametrize(
    ("night_start", "night_end"), [(T(22), T(10)), (T(9), T(17)), (T(23, 30), T(6, 15))]
)
def test_matches_minute_by_minute_count(tz, night_start, night_end):
    """Random minute-aligned spans around both changes of the year agree with a count of
    minutes by wall clock (the window's edges are never in a gap or a repeat here)."""
    rng = random.Random(f"{tz}{night_start}{night_end}")
    for _ in range(40):
        month = rng.choice([3, 4, 10, 11])
        start = datetime.datetime(2026, month, 1, tzinfo=UTC) + datetime.timedelta(
            minutes=rng.randrange(31 * 1440)
        )
        minutes = rng.randrange(0, 3 * 1440)
        end = start + datetime.timedelta(minutes=minutes)
        expected = _minutes_outside(start, tz, minutes, night_start, night_end)
        assert business_seconds(start, end, tz, night_start, night_end) == expected, (start, end)


def test_additive_over_a_split():
    rng = random.Random(13)
    for _ in range(200):
        tz = rng.choice([PARIS, NEW_YORK])
        a = datetime.datetime(2026, 3, 1) + datetime.timedelta(seconds=rng.randrange(270 * 86400))
        b = a + datetime.timedelta(seconds=rng.randrange(4 * 86400))
        c = b + datetime.timedelta(seconds=rng.randrange(4 * 86400))
        whole = business_seconds(a, c, tz)
        assert whole == pytest.approx(
            business_seconds(a, b, tz) + business_seconds(b, c, tz), abs=1e-6
        )
        assert 0 <= whole <= (c - a).total_seconds()


def test_average_reply_seconds():
    received = local(PARIS, 2026, 1, 12, 21)
    pairs = [
        (received, local(PARIS, 2026, 1, 13, 11)),  # 2 hours
        (received, None),  # not replied yet: ignored
        (local(PARIS, 2026, 1, 13, 12), local(PARIS, 2026, 1, 13, 13)),  # 1 hour
        (local(PARIS, 2026, 1, 13, 23), local(PARIS, 2026, 1, 14, 9)),  # overnight: 0
    ]
    assert average_reply_seconds(pairs, PARIS) == HOUR
    assert average_reply_seconds(iter(pairs), PARIS) == HOUR  # any iterable
    assert average_reply_seconds(pairs, PARIS, T(3), T(3)) == pytest.approx(
        (14 + 1 + 10) * HOUR / 3
    )


def test_average_reply_seconds_without_replies_is_none():
    assert average_reply_seconds([], PARIS) is None
    assert average_reply_seconds([(datetime.datetime(2026, 1, 12), None)], PARIS) is None
    assert average_reply_seconds([(None, None)], PARIS) is None


def test_average_reply_seconds_bad_pairs():
    day = datetime.datetime(2026, 1, 12, 12)
    with pytest.raises(ValueError, match="without a received date"):
        average_reply_seconds([(None, day)], PARIS)
    with pytest.raises(ValueError, match="before start"):
        average_reply_seconds([(day, day - datetime.timedelta(seconds=1))], PARIS)
    with pytest.raises(ValueError, match="unknown time zone"):
        average_reply_seconds([(day, day)], "Nowhere/Town")


# PostgreSQL ---------------------------------------------------------------------------------


def _system_tools():
    spec = importlib.util.spec_from_file_location(
        "system_tools", REPO / "clienteling" / "tests" / "system_tools.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


system_tools = _system_tools()
POSTGRESQL = system_tools.SystemTool("PostgreSQL", ("postgres", "psql"), "postgresql")


def _connect():
    """A connection to the local server, or a skip (a failure under CI) with how to get one."""
    if psycopg2 is None:
        if system_tools.running_on_ci():
            raise system_tools.MissingSystemTool("psycopg2 is not installed (CI is set)")
        raise unittest.SkipTest("psycopg2 is not installed in this virtualenv")
    try:
        return psycopg2.connect(dbname="postgres")
    except psycopg2.OperationalError as error:
        system_tools.report_missing_tool(POSTGRESQL, f" or not running ({str(error).strip()})")


@pytest.fixture(scope="module")
def pg():
    """A cursor in a schema of its own holding the function; everything is rolled back."""
    try:
        connection = _connect()
    except unittest.SkipTest as skip:
        pytest.skip(str(skip))
    schema = f"clienteling_reply_time_{uuid.uuid4().hex}"
    cursor = connection.cursor()
    try:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
        cursor.execute(f'SET LOCAL search_path = "{schema}"')
        cursor.execute(SQL_FUNCTION)
        yield cursor
    finally:
        connection.rollback()
        connection.close()


def sql_seconds(cursor, start, end, tz, night_start=None, night_end=None):
    if night_start is None:
        cursor.execute("SELECT clienteling_business_seconds(%s, %s, %s)", (start, end, tz))
    else:
        cursor.execute(
            "SELECT clienteling_business_seconds(%s, %s, %s, %s, %s)",
            (start, end, tz, night_start, night_end),
        )
    return cursor.fetchone()[0]


def test_missing_postgresql_fails_under_ci(monkeypatch):
    def refuse(**kwargs):
        raise psycopg2.OperationalError("connection refused")

    monkeypatch.setattr(psycopg2, "connect", refuse)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(system_tools.MissingSystemTool, match="CI is set"):
        _connect()
    monkeypatch.delenv("CI")
    with pytest.raises(unittest.SkipTest, match="apt-get install -y postgresql"):
        _connect()


def test_missing_psycopg2_fails_under_ci(monkeypatch):
    monkeypatch.setitem(globals(), "psycopg2", None)
    monkeypatch.setenv("CI", "1")
    with pytest.raises(system_tools.MissingSystemTool, match="psycopg2 is not installed"):
        _connect()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(unittest.SkipTest, match="psycopg2 is not installed"):
        _connect()


@pytest.mark.parametrize(("tz", "start", "end", "night_start", "night_end", "expected"), CASES)
def test_sql_function_cases(pg, tz, start, end, night_start, night_end, expected):
    result = sql_seconds(pg, naive_utc(start), naive_utc(end), tz, night_start, night_end)
    assert result == pytest.approx(expected, abs=1e-6)


def test_sql_function_defaults_and_nulls(pg):
    start = naive_utc(local(PARIS, 2026, 1, 12, 21))
    end = naive_utc(local(PARIS, 2026, 1, 13, 11))
    assert sql_seconds(pg, start, end, PARIS) == 2 * HOUR
    # a reply before its request and missing arguments give NULL (AVG skips them)
    assert sql_seconds(pg, end, start, PARIS) is None
    assert sql_seconds(pg, None, end, PARIS) is None
    assert sql_seconds(pg, start, None, PARIS) is None
    assert sql_seconds(pg, start, end, None) is None
    pg.execute(
        "SELECT clienteling_business_seconds(%s, %s, %s, NULL, %s)", (start, end, PARIS, T(10))
    )
    assert pg.fetchone()[0] is None
    pg.execute(
        "SELECT clienteling_business_seconds(%s, %s, %s, %s, NULL)", (start, end, PARIS, T(22))
    )
    assert pg.fetchone()[0] is None


def test_sql_function_unknown_zone_raises(pg):
    pg.execute("SAVEPOINT unknown_zone")
    with pytest.raises(psycopg2.Error, match="time zone"):
        sql_seconds(
            pg, datetime.datetime(2026, 1, 12), datetime.datetime(2026, 1, 13), "Nowhere/Town"
        )
    pg.execute("ROLLBACK TO SAVEPOINT unknown_zone")


WINDOWS = [
    (T(22), T(10)),
    (T(1), T(5)),
    (T(1, 30), T(2, 45)),
    (T(2, 30), T(1, 15)),
    (T(3), T(3)),
    (T(23), T(0)),
]


def _random_pairs(seed, count):
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        tz = rng.choice([PARIS, NEW_YORK])
        night_start, night_end = rng.choice(WINDOWS)
        # around the four changes of 2026 in both zones, and anywhere in the year
        base = rng.choice(
            [
                datetime.datetime(2026, 3, 6),
                datetime.datetime(2026, 3, 27),
                datetime.datetime(2026, 10, 23),
                datetime.datetime(2026, 10, 30),
                datetime.datetime(2026, 1, 1) + datetime.timedelta(days=rng.randrange(365)),
            ]
        )
        start = base + datetime.timedelta(microseconds=rng.randrange(4 * 86400 * 10**6))
        end = start + datetime.timedelta(seconds=rng.randrange(5 * 86400))
        pairs.append((tz, start, end, night_start, night_end))
    return pairs


def test_sql_function_agrees_with_python(pg):
    """Random pairs across the daylight saving changes of Paris and New York, with windows
    that wrap, do not wrap, are empty, or have edges in a gap or a repeat."""
    for tz, start, end, night_start, night_end in _random_pairs(2026, 400):
        expected = business_seconds(start, end, tz, night_start, night_end)
        result = sql_seconds(pg, start, end, tz, night_start, night_end)
        assert result == pytest.approx(expected, abs=1e-6), (tz, start, end, night_start, night_end)


def test_sql_average_over_a_set_agrees_with_python(pg):
    """The set-based use of the KPI views: AVG over a table, unreplied rows left out."""
    rng = random.Random(7)
    rows = []
    for _, start, end, _, _ in _random_pairs(99, 300):
        rows.append((start, end if rng.random() > 0.2 else None))
    pg.execute(
        "CREATE TEMP TABLE requests (received timestamp, first_reply timestamp) ON COMMIT DROP"
    )
    pg.executemany("INSERT INTO requests VALUES (%s, %s)", rows)
    pg.execute(
        "SELECT avg(clienteling_business_seconds(received, first_reply, %s)), count(first_reply) "
        "FROM requests",
        (NEW_YORK,),
    )
    average, replied = pg.fetchone()
    assert replied == sum(1 for _, reply in rows if reply is not None)
    assert average == pytest.approx(average_reply_seconds(rows, NEW_YORK), abs=1e-6)
    pg.execute("DELETE FROM requests WHERE first_reply IS NOT NULL")
    pg.execute(
        "SELECT avg(clienteling_business_seconds(received, first_reply, %s)) FROM requests",
        (PARIS,),
    )
    assert pg.fetchone()[0] is None
    assert average_reply_seconds([(received, None) for received, _ in rows], PARIS) is None
