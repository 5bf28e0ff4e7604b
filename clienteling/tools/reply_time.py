"""Request Reply Time: elapsed time outside the store's overnight hours (no ``odoo`` import).

Salesfloor's KPI glossary defines Request Reply Time as the average time from a request to the
associate's first response, excluding the overnight hours (22:00-10:00 local time). The night is
read on the store's wall clock, so the night of a daylight saving change is shorter (spring) or
longer (autumn) in real time.

Rules (the Python functions and ``SQL_FUNCTION`` follow the same ones):

- Datetimes are instants: an aware datetime as given, a naive one is UTC (Odoo stores
  ``fields.Datetime`` as naive UTC).
- The window of local date ``d`` runs from ``d`` at ``night_start`` to ``night_end`` of ``d``
  (``night_start < night_end``) or of ``d + 1`` (a window that wraps midnight, the default).
  ``night_start == night_end`` excludes nothing.
- A window edge that names a wall time which does not exist (spring gap) or happens twice
  (autumn repeat) is taken at the later of its two readings, PostgreSQL's rule for
  ``timestamp AT TIME ZONE``.
- ``end < start`` raises ``ValueError`` in Python (a reply before its request is bad data);
  the SQL function cannot raise from a ``LANGUAGE sql`` body and returns NULL, which ``AVG``
  skips. ``start == end`` gives 0.
"""

import datetime
import zoneinfo

UTC = datetime.timezone.utc
NIGHT_START = datetime.time(22)
NIGHT_END = datetime.time(10)


def _zone(tz):
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"a time zone name is required, not {tz!r}")
    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {tz!r}") from error


def _instant(value, name):
    # datetime.datetime is a subclass of date, never the other way round
    if not isinstance(value, datetime.datetime):
        raise ValueError(f"{name} must be a datetime, not {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _wall_time(value, name):
    if not isinstance(value, datetime.time):
        raise ValueError(f"{name} must be a datetime.time, not {value!r}")
    if value.tzinfo is not None:
        raise ValueError(f"{name} is a wall time of the store: it takes no time zone")
    return value


def _local_edge(day, wall, zone):
    """The UTC instant of wall time ``wall`` on local date ``day``: the later reading when the
    wall time is skipped or repeated by a daylight saving change."""
    naive = datetime.datetime.combine(day, wall)
    return max(
        naive.replace(tzinfo=zone, fold=0).astimezone(UTC),
        naive.replace(tzinfo=zone, fold=1).astimezone(UTC),
    )


def _overlap(start, end, low, high):
    return max(0.0, (min(end, high) - max(start, low)).total_seconds())


def business_seconds(start, end, tz, night_start=NIGHT_START, night_end=NIGHT_END):
    """Seconds from ``start`` to ``end`` that fall outside the nightly window of zone ``tz``.

    ``tz`` is an IANA name (or a ``zoneinfo.ZoneInfo``); see the module's rules. Returns a float.
    """
    zone = _zone(tz)
    start = _instant(start, "start")
    end = _instant(end, "end")
    night_start = _wall_time(night_start, "night_start")
    night_end = _wall_time(night_end, "night_end")
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    total = (end - start).total_seconds()
    if night_start == night_end or total == 0:
        return total
    wraps = night_start > night_end
    # the night that began the local day before start may still be running at start
    day = start.astimezone(zone).date() - datetime.timedelta(days=1)
    last = end.astimezone(zone).date()
    excluded = 0.0
    while day <= last:
        end_day = day + datetime.timedelta(days=1) if wraps else day
        excluded += _overlap(
            start, end, _local_edge(day, night_start, zone), _local_edge(end_day, night_end, zone)
        )
        day += datetime.timedelta(days=1)
    return max(0.0, total - excluded)


def average_reply_seconds(pairs, tz, night_start=NIGHT_START, night_end=NIGHT_END):
    """The average of ``business_seconds(received, first_reply)`` over ``(received,
    first_reply)`` pairs, skipping pairs whose ``first_reply`` is None; None when no pair has
    a reply. A pair without ``received`` or replied before it raises ``ValueError``."""
    total = 0.0
    count = 0
    for received, first_reply in pairs:
        if first_reply is None:
            continue
        if received is None:
            raise ValueError("a request without a received date cannot have a reply time")
        total += business_seconds(received, first_reply, tz, night_start, night_end)
        count += 1
    return total / count if count else None


# The same computation in PostgreSQL, for the KPI views: timestamps are naive UTC (Odoo's
# columns), one row per local day from the day before start's to end's, the night of each day
# converted with AT TIME ZONE (the later reading in a gap or a repeat). NULL when an argument is
# NULL or end_at < start_at. The tz name must be known to PostgreSQL (an unknown one raises).
SQL_FUNCTION = """
CREATE OR REPLACE FUNCTION clienteling_business_seconds(
    start_at timestamp without time zone,
    end_at timestamp without time zone,
    tz text,
    night_start time without time zone DEFAULT '22:00',
    night_end time without time zone DEFAULT '10:00'
) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $function$
    SELECT CASE
        WHEN start_at IS NULL OR end_at IS NULL OR tz IS NULL
            OR night_start IS NULL OR night_end IS NULL OR end_at < start_at THEN NULL
        WHEN night_start = night_end OR end_at = start_at
            THEN extract(epoch FROM end_at - start_at)::double precision
        ELSE greatest(0.0, extract(epoch FROM end_at - start_at)::double precision - coalesce((
            SELECT sum(greatest(0.0, extract(epoch FROM
                       least(end_at, night.stop) - greatest(start_at, night.begin)
                   )::double precision))
            FROM generate_series(
                0,
                ((end_at AT TIME ZONE 'UTC') AT TIME ZONE tz)::date
                    - ((start_at AT TIME ZONE 'UTC') AT TIME ZONE tz)::date + 1
            ) AS offsets(n)
            CROSS JOIN LATERAL (
                SELECT ((start_at AT TIME ZONE 'UTC') AT TIME ZONE tz)::date - 1 + offsets.n
            ) AS days(day)
            CROSS JOIN LATERAL (
                SELECT
                    ((days.day + night_start) AT TIME ZONE tz) AT TIME ZONE 'UTC' AS begin,
                    ((days.day + CASE WHEN night_start > night_end THEN 1 ELSE 0 END + night_end)
                        AT TIME ZONE tz) AT TIME ZONE 'UTC' AS stop
            ) AS night
        ), 0.0))
    END
$function$;
"""
