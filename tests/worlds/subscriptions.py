"""Hard-case landing world for the `subscriptions` domain, written from the specs.

`write_world` writes `subscriptions/{events,subscriptions,marketing_spend}` under
`<landing>/<domain>/<source>/ingest_date=YYYY-MM-DD/` with every trap of
`specs/subscriptions.md` and `specs/landing.md`, and returns how many of each trap it
wrote. Only `random.Random(seed)` drives it: the same (seed, args) gives the same bytes.
Nothing here knows the project's own generator or jobs.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

DOMAIN = "subscriptions"

# Timestamp spellings accepted by the spec (all denote one UTC instant).
TS_STYLES = ("Z", "colon", "hhmm", "space", "T")
OFFSETS_MIN = (120, -300, 330, -210, 540, -480, 60, -60, 345, 0)
GARBAGE_TS = ("yesterday", "05/01/2024 10:00:00", "2024-13-45T99:00:00Z", "not a time",
              "2024-01-05T10:00", "1704450000", "2024-01-05 10:00:00 PM")

FX = {"USD": 1.0, "EUR": 1.10, "GBP": 1.25, "CAD": 0.75, "AUD": 0.65, "JPY": 0.0070,
      "INR": 0.012, "BRL": 0.20, "NGN": 0.00065}
NON_USD = ("EUR", "GBP", "JPY", "CAD", "AUD", "INR", "BRL", "NGN")
SIGNUP_CHANNELS = ("google", "facebook", "tiktok", "newsletter")
SPEND_CHANNELS = ("google", "facebook", "tiktok", "newsletter", "affiliate")
USERS = tuple(f"u{k:03d}" for k in range(1, 41))
SIGNUP_USERS = USERS[:30]          # u001..u030 sign up (u023.. without channel)
NO_SIGNUP_USERS = USERS[30:]       # u031..u040 never sign up, but purchase
PLANS = (("basic", "4.99"), ("standard", "9.99"), ("pro", "14.99"), ("family", "19.99"))
HALF_CENT = (("10.005", "USD"), ("10.005", "EUR"), ("2.675", "GBP"), ("1234", "JPY"),
             ("0.125", "CAD"), ("1.005", "AUD"), ("1.115", "USD"), ("333.335", "INR"))


# ---------------------------------------------------------------- helpers
def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def format_timestamp(ts: datetime, style: str, offset_minutes: int = 0,
                     frac_digits: int | None = None) -> str:
    """Spell the naive-UTC instant `ts` in one of the accepted layouts.

    style: Z | colon (+HH:MM) | hhmm (+HHMM) | space (no zone) | T (no zone).
    The fraction is written when the instant has microseconds (never truncated),
    or when `frac_digits` asks for it (zero-padded spelling of the same instant).
    """
    if style not in ("colon", "hhmm"):
        offset_minutes = 0
    local = ts + timedelta(minutes=offset_minutes)
    sep = " " if style == "space" else "T"
    text = local.strftime("%Y-%m-%d") + sep + local.strftime("%H:%M:%S")
    us = ts.microsecond
    digits = frac_digits if frac_digits is not None else (
        0 if us == 0 else (3 if us % 1000 == 0 else 6))
    if digits:
        frac = f"{us:06d}"
        if int(frac[digits:] or "0"):
            digits = 6
        text += "." + frac[:digits]
    if style == "Z":
        text += "Z"
    elif style in ("colon", "hhmm"):
        sign = "+" if offset_minutes >= 0 else "-"
        h, m = divmod(abs(offset_minutes), 60)
        text += f"{sign}{h:02d}:{m:02d}" if style == "colon" else f"{sign}{h:02d}{m:02d}"
    return text


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8"))


def _folder(landing: Path, source: str, d: date) -> Path:
    return Path(landing) / DOMAIN / source / f"ingest_date={d.isoformat()}"


# ---------------------------------------------------------------- events

def respelled(word: str, rng: random.Random, padded: float, upper: float, counts, trap: str) -> str:
    """``word`` as " Word " (probability ``padded``), "WORD" (up to ``upper``) or as is;
    a changed spelling is counted under ``trap``."""
    r = rng.random()
    if r < upper:
        counts[trap] += 1
        return f" {word.capitalize()} " if r < padded else word.upper()
    return word

class _Events:
    def __init__(self, rng: random.Random, start: date, days: int, per_day: int,
                 counts: Counter):
        self.rng, self.start, self.days, self.per_day, self.c = rng, start, days, per_day, counts
        self.seq = 0
        self.style_rr = 0
        self.missing_day = 2 if days >= 4 else None
        self.ev_days = [i for i in range(days) if i != self.missing_day]
        self.groups: dict[int, list[list[str]]] = {i: [] for i in self.ev_days}
        self.valid_days: dict[str, set[date]] = {}   # user -> event dates (valid, normal)
        self.purchases: list[dict] = []               # stable valid purchases (refund targets)
        self.dup_pool: dict[int, list[dict]] = {i: [] for i in self.ev_days}

    # ids, times -----------------------------------------------------------
    def new_id(self) -> str:
        self.seq += 1
        return f"ev-{self.rng.getrandbits(24):06x}-{self.seq:05d}"

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def rand_ts(self, d: date) -> datetime:
        rng = self.rng
        ts = midnight(d) + timedelta(seconds=rng.randint(60, 86340))
        r = rng.random()
        if r < 0.15:
            ts = ts.replace(microsecond=rng.randint(1, 999) * 1000)
        elif r < 0.3:
            ts = ts.replace(microsecond=rng.randint(1, 999_999))
        return ts

    def spell_ts(self, ts: datetime, style: str | None = None, offset: int | None = None) -> str:
        rng = self.rng
        if style is None:
            style = TS_STYLES[self.style_rr % len(TS_STYLES)]
            self.style_rr += 1
        if offset is None:
            offset = rng.choice(OFFSETS_MIN)
        frac = None
        if ts.microsecond == 0 and rng.random() < 0.08:
            frac = rng.choice((1, 3, 6))
            self.c["events.ts_zero_fraction"] += 1
        text = format_timestamp(ts, style, offset, frac)
        self.c[f"events.ts_style_{style}"] += 1
        if "." in text:
            self.c["events.ts_fractional"] += 1
        return text

    # payloads ---------------------------------------------------------------
    def payload(self, etype: str, uid: str | None, ts: datetime, sv: int | None = None,
                amount: str | None = None, currency: str | None = None,
                tax: str | None = None, refers: str | None = None,
                channel: str | None = None, eid: str | None = None) -> dict:
        if sv is None:
            sv = self.rng.choice((1, 2, 2))
        p = {"event_id": eid or self.new_id(), "user_id": uid, "event_type": etype,
             "ts": ts, "schema_version": sv}
        if etype in ("purchase", "refund"):
            p["amount"] = amount if amount is not None else self.rand_amount()
            p["currency"] = currency if currency is not None else ("USD" if sv == 1 else self.rand_currency())
            if sv == 1 and p["currency"] != "USD":
                p["schema_version"] = 2
            p["tax"] = tax
            p["refers"] = refers
        if etype == "signup":
            p["channel"] = channel
        return p

    def rand_amount(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            return str(rng.randint(1, 99))
        return f"{rng.randint(1, 199)}.{rng.randint(0, 99):02d}"

    def rand_currency(self) -> str:
        return "USD" if self.rng.random() < 0.7 else self.rng.choice(NON_USD)

    def spell_amount(self, s: str):
        rng = self.rng
        r = rng.random()
        if r < 0.2:
            self.c["events.numeric_string_amount"] += 1
            return s
        if "." not in s:
            return float(s) if r < 0.5 else int(s)
        return float(s)

    def spell(self, p: dict, style: str | None = None, shuffle: bool | None = None,
              extras: bool | None = None) -> dict:
        """A raw spelling of payload `p`; every spelling normalises to the same payload."""
        rng, c = self.rng, self.c
        out: dict = {"event_id": p["event_id"]}
        if rng.random() < 0.03:
            out["event_id"] = f" {p['event_id']} "
            c["events.event_id_whitespace"] += 1
        uid = p["user_id"]
        if uid is not None:
            if rng.random() < 0.05:
                uid = f"  {uid} "
                c["events.user_id_whitespace"] += 1
            out["user_id"] = uid
        out["event_type"] = respelled(p["event_type"], rng, 0.06, 0.1, c, "events.event_type_case_whitespace")
        out["timestamp"] = self.spell_ts(p["ts"], style)
        sv = p["schema_version"]
        if rng.random() < 0.15:
            out["schema_version"] = str(sv)
            c["events.numeric_string_schema_version"] += 1
        else:
            out["schema_version"] = sv
        if p["event_type"] in ("purchase", "refund"):
            out["amount"] = self.spell_amount(p["amount"])
            cur = p["currency"]
            if p["schema_version"] == 1 and cur == "USD":
                pass                                   # v1: no currency field, USD
            elif cur == "USD" and rng.random() < 0.25:
                c["events.currency_absent_means_usd"] += 1
            elif rng.random() < 0.15:
                out["currency"] = cur.lower() if rng.random() < 0.5 else f" {cur.capitalize()} "
                c["events.currency_case_whitespace"] += 1
            else:
                out["currency"] = cur
            if p.get("tax") is not None:
                out["tax"] = float(p["tax"]) if rng.random() < 0.7 else p["tax"]
            if p.get("refers") is not None:
                out["refers_to_event_id"] = p["refers"]
        if p["event_type"] == "signup":
            ch = p.get("channel")
            if ch is None:
                v = rng.randrange(3)
                if v == 1:
                    out["acquisition_channel"] = None
                elif v == 2:
                    out["acquisition_channel"] = ""
                    c["events.empty_string_channel"] += 1
            else:
                v = rng.randrange(4)
                out["acquisition_channel"] = (ch, ch.capitalize(), f" {ch.upper()} ", ch)[v]
                if v in (1, 2):
                    c["events.channel_case_whitespace"] += 1
        if extras is None:
            extras = rng.random() < 0.08
        if extras:
            out[rng.choice(("device", "app_version", "_meta", "session"))] = rng.choice(
                ("ios", "android", {"ip": "10.0.0.1", "ua": "x"}, None, 3, ["a", "b"]))
            c["events.unknown_extra_fields"] += 1
        if shuffle is None:
            shuffle = rng.random() < 0.1
        if shuffle:
            items = list(out.items())
            rng.shuffle(items)
            out = dict(items)
        return out

    def emit(self, i: int, *objs, raw: bool = False) -> None:
        """One group = lines that must stay in one file (same-file traps)."""
        self.groups[i].append([o if raw else _dumps(o) for o in objs])

    def note_valid(self, p: dict) -> None:
        self.valid_days.setdefault(p["user_id"], set()).add(p["ts"].date())

    # normal traffic --------------------------------------------------------
    def normal_event(self, i: int) -> None:
        rng, c = self.rng, self.c
        D = self.day(i)
        r = rng.random()
        if r < 0.06:
            d = D - timedelta(days=rng.randint(2, 10))
            c["events.late_events"] += 1
        elif r < 0.18:
            d = D - timedelta(days=1)
        else:
            d = D
        etype = rng.choices(("login", "page_view", "purchase", "trial_start", "trial_convert",
                             "cancel", "refund"), (30, 35, 15, 4, 3, 3, 5))[0]
        uid = rng.choice(USERS)
        ts = self.rand_ts(d)
        if etype == "refund":
            known = [p for j, p in self.purchases if j <= i]
            if not known:
                etype = "login"
            else:
                tgt = rng.choice(known)
                frac = rng.choice((0.1, 0.25, 0.5))
                amt = f"{float(tgt['amount']) * frac:.2f}"
                p = self.payload("refund", tgt["user_id"], max(ts, tgt["ts"]), sv=2, amount=amt,
                                 currency=tgt["currency"], refers=tgt["event_id"])
                self.emit(i, self.spell(p))
                c["events.refunds_valid"] += 1
                return
        if etype == "purchase" and uid in NO_SIGNUP_USERS:
            c["events.purchase_without_signup"] += 1
        p = self.payload(etype, uid, ts)
        if etype == "purchase" and p["schema_version"] == 2 and rng.random() < 0.3:
            p["tax"] = f"{float(p['amount']) * 0.2:.2f}"
            c["events.tax_ignored"] += 1
        self.emit(i, self.spell(p))
        self.note_valid(p)
        if etype in ("trial_start", "trial_convert", "cancel"):
            c[f"events.{etype}"] += 1
        if etype == "purchase":
            self.purchases.append((i, p))
        self.dup_pool[i].append(p)

    # per-day traps -----------------------------------------------------------
    def day_traps(self, i: int) -> None:
        rng, c = self.rng, self.c
        D = self.day(i)
        u = lambda: rng.choice(USERS)  # noqa: E731

        # invalid timestamps: bare date, garbage; first day also a JSON number
        for bad in (D.isoformat(), rng.choice(GARBAGE_TS)):
            self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": "login",
                          "timestamp": bad, "schema_version": 1})
            c["events.invalid_timestamp"] += 1
        if i == self.ev_days[0]:
            self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": "login",
                          "timestamp": 1704450000, "schema_version": 2})
            c["events.invalid_timestamp"] += 1
            self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": "login",
                          "schema_version": 2})
            c["events.invalid_timestamp"] += 1       # timestamp missing

        # UTC midnight boundaries and offsets that move the UTC date
        p = self.payload("login", u(), midnight(D))
        self.emit(i, self.spell(p, style="Z")); self.note_valid(p)
        p = self.payload("page_view", u(), midnight(D))
        o = self.spell(p); o["timestamp"] = format_timestamp(midnight(D), "colon", 330)
        self.emit(i, o); self.note_valid(p)
        p = self.payload("page_view", u(), midnight(D + timedelta(days=1)) - timedelta(microseconds=1))
        self.emit(i, self.spell(p, style="Z")); self.note_valid(p)
        c["events.utc_midnight_boundary"] += 3
        p = self.payload("login", u(), midnight(D) + timedelta(minutes=90))   # local D-1 23:30-02:00
        o = self.spell(p); o["timestamp"] = format_timestamp(p["ts"], "colon", -120)
        self.emit(i, o); self.note_valid(p)
        p = self.payload("purchase", u(), midnight(D) - timedelta(minutes=30), sv=2)  # local D 00:30+0100
        o = self.spell(p); o["timestamp"] = format_timestamp(p["ts"], "hhmm", 60)
        self.emit(i, o); self.note_valid(p); self.purchases.append((i, p))
        c["events.offset_moves_utc_date"] += 2

        # numeric strings and " Purchase "-style spelling (forced at least once a day)
        p = self.payload("purchase", u(), self.rand_ts(D), sv=2, amount="25", currency="USD")
        o = self.spell(p); o["amount"] = "25"; o["schema_version"] = "2"; o["event_type"] = " Purchase "
        self.emit(i, o); self.note_valid(p); self.purchases.append((i, p))
        c["events.numeric_string_amount"] += 1
        c["events.numeric_string_schema_version"] += 1
        c["events.event_type_case_whitespace"] += 1

        # empty strings count as missing
        self.emit(i, {"event_id": self.new_id(), "user_id": "", "event_type": "login",
                      "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2})
        c["events.empty_string_user_id"] += 1
        p = self.payload("purchase", u(), self.rand_ts(D), sv=2, currency="USD")
        o = self.spell(p); o["currency"] = ""
        self.emit(i, o); self.note_valid(p); self.purchases.append((i, p))
        c["events.empty_string_currency"] += 1
        self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": "",
                      "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2})
        c["events.empty_string_event_type"] += 1

        # missing user_id (absent, null)
        self.emit(i, {"event_id": self.new_id(), "event_type": "page_view",
                      "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 1})
        self.emit(i, {"event_id": self.new_id(), "user_id": None, "event_type": "purchase",
                      "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2,
                      "amount": 9.99, "currency": "USD"})
        c["events.missing_user_id"] += 2

        # missing event_id (absent, empty, null)
        for v in (None, "", "absent"):
            o = {"event_id": v, "user_id": u(), "event_type": "login",
                 "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2}
            if v == "absent":
                del o["event_id"]
            self.emit(i, o)
            c["events.missing_event_id"] += 1

        # unknown event types
        for et in (rng.choice(("checkout", "Purchased", "add_to_cart")), "logout"):
            self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": et,
                          "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2})
            c["events.unknown_event_type"] += 1

        # invalid schema versions
        for sv in (3, "three", None, 0, "absent"):
            o = {"event_id": self.new_id(), "user_id": u(), "event_type": "login",
                 "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": sv}
            if sv == "absent":
                del o["schema_version"]
            self.emit(i, o)
            c["events.invalid_schema_version"] += 1

        # invalid amounts on purchase/refund; garbage amount on other events is ignored
        bad_amounts = [-5.0, "ten", "absent", None, "-3.50"]
        if i == self.ev_days[0]:
            bad_amounts.append(True)
        for amt in bad_amounts:
            o = {"event_id": self.new_id(), "user_id": u(), "event_type": "purchase",
                 "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2,
                 "amount": amt, "currency": "USD"}
            if amt == "absent":
                del o["amount"]
            self.emit(i, o)
            c["events.invalid_amount"] += 1
        p = self.payload("page_view", u(), self.rand_ts(D))
        o = self.spell(p); o["amount"] = "abc"; o["currency"] = "XYZ"
        self.emit(i, o); self.note_valid(p)
        c["events.amount_currency_on_non_money_event"] += 1

        # unknown currencies on money events
        for cur in ("XYZ", "btc"):
            self.emit(i, {"event_id": self.new_id(), "user_id": u(), "event_type": "purchase",
                          "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2,
                          "amount": 12.5, "currency": cur})
            c["events.unknown_currency"] += 1

        # non-USD currencies and half-cent amounts
        k = i % len(HALF_CENT)
        for amt, cur in (HALF_CENT[k], HALF_CENT[(k + 1) % len(HALF_CENT)],
                         HALF_CENT[(k + 4) % len(HALF_CENT)]):
            p = self.payload("purchase", u(), self.rand_ts(D), sv=2, amount=amt, currency=cur)
            self.emit(i, self.spell(p)); self.note_valid(p); self.purchases.append((i, p))
            c["events.half_cent_amount"] += 1
            if cur != "USD":
                c["events.non_usd_currency"] += 1

        # trial_start / trial_convert / cancel
        for et in ("trial_start", "trial_convert", "cancel"):
            p = self.payload(et, u(), self.rand_ts(D))
            self.emit(i, self.spell(p)); self.note_valid(p)
            c[f"events.{et}"] += 1

        # users without a signup who purchase
        p = self.payload("purchase", rng.choice(NO_SIGNUP_USERS), self.rand_ts(D))
        self.emit(i, self.spell(p)); self.note_valid(p); self.purchases.append((i, p))
        c["events.purchase_without_signup"] += 1

        # late event (2-10 days before ingest) and, some days, events after the ingest date
        p = self.payload("login", u(), self.rand_ts(D - timedelta(days=rng.randint(2, 10))))
        self.emit(i, self.spell(p)); self.note_valid(p)
        c["events.late_events"] += 1
        if self.ev_days.index(i) % 7 == 0:
            p = self.payload("purchase", rng.choice(SIGNUP_USERS[:20]),
                             self.rand_ts(D + timedelta(days=rng.randint(1, 3))))
            self.emit(i, self.spell(p)); self.note_valid(p)
            c["events.future_events"] += 1

        # corrupted lines, non-object JSON, blank lines
        full = _dumps(self.spell(self.payload("login", u(), self.rand_ts(D))))
        self.emit(i, full[: rng.randint(10, len(full) - 5)], raw=True)
        c["events.truncated_json"] += 1
        for line in (rng.choice(("[1,2]", "[1, 2, 3]", "[]")), rng.choice(('"x"', "42", "null", "true"))):
            self.emit(i, line, raw=True)
            c["events.non_object_json"] += 1
        self.emit(i, rng.choice(("not json at all", "{bad json}", "{'single': 'quotes'}")), raw=True)
        c["events.garbage_line"] += 1
        self.emit(i, "", "   ", raw=True)
        c["events.blank_lines"] += 2

        # exact duplicates in one file: same payload, two spellings
        for _ in range(2):
            p = self.payload(rng.choice(("purchase", "login", "signup")), u(), self.rand_ts(D))
            if p["event_type"] == "signup":
                p["channel"] = rng.choice(SIGNUP_CHANNELS)
            a = self.spell(p, style="Z")
            b = self.spell(p, style=rng.choice(("colon", "hhmm", "space")), shuffle=True, extras=True)
            self.emit(i, a, b); self.note_valid(p)
            c["events.exact_duplicate_same_file"] += 1

        # conflict inside one file: same id, same ts, different amount (greater amount wins)
        p = self.payload("purchase", u(), self.rand_ts(D), sv=2, amount="12.00", currency="USD")
        q = dict(p, amount="13.00")
        self.emit(i, self.spell(p), self.spell(q))
        c["events.conflict_same_file"] += 1

        # refunds
        self.refund_traps(i)

    def refund_traps(self, i: int) -> None:
        rng, c = self.rng, self.c
        D = self.day(i)
        y = D - timedelta(days=1)
        later = [j for j in self.ev_days if j > i]
        nxt = later[0] if later else i

        def purchase(amount: str, cur: str) -> dict:
            p = self.payload("purchase", rng.choice(USERS), self.rand_ts(y), sv=2,
                             amount=amount, currency=cur)
            self.emit(i, self.spell(p)); self.note_valid(p)
            return p

        def refund(day: int, tgt: dict | None, amount: str, cur: str, refers="same") -> dict:
            ref = tgt["event_id"] if refers == "same" else refers
            uid = tgt["user_id"] if tgt else rng.choice(USERS)
            p = self.payload("refund", uid, self.rand_ts(D), sv=2, amount=amount,
                             currency=cur, refers=ref)
            self.emit(day, self.spell(p)); self.note_valid(p)
            return p

        p1 = purchase("40.00", "USD")
        refund(i, p1, "15.00", "USD")
        c["events.refund_partial"] += 1
        c["events.refund_dated_after_purchase_date"] += 1
        p2 = purchase("20.00", "EUR")
        refund(i, p2, "35.00", "EUR")
        c["events.refund_exceeds_purchase"] += 1
        p3 = purchase("50.00", "USD")
        refund(i, p3, "30.00", "USD")
        refund(nxt, p3, "30.00", "USD")          # second refund of one purchase, sum > amount
        c["events.refund_several_of_one_purchase"] += 1
        p4 = purchase("30.00", "USD")
        refund(i, p4, "10.00", "GBP")
        c["events.refund_other_currency_than_purchase"] += 1
        refund(i, None, "5.00", "USD", refers=f"ev-unknown-{rng.getrandbits(24):06x}")
        c["events.refund_unknown_purchase"] += 1
        login = self.payload("login", rng.choice(USERS), self.rand_ts(y))
        self.emit(i, self.spell(login)); self.note_valid(login)
        refund(i, login, "4.00", "USD")
        c["events.refund_of_non_purchase"] += 1
        bad_id = self.new_id()
        self.emit(i, {"event_id": bad_id, "user_id": rng.choice(USERS), "event_type": "purchase",
                      "timestamp": self.spell_ts(self.rand_ts(y)), "schema_version": 2,
                      "amount": -20, "currency": "USD"})
        c["events.invalid_amount"] += 1
        refund(i, None, "6.00", "USD", refers=bad_id)
        c["events.refund_of_quarantined_purchase"] += 1
        for v in ("absent", ""):
            o = {"event_id": self.new_id(), "user_id": rng.choice(USERS), "event_type": "refund",
                 "timestamp": self.spell_ts(self.rand_ts(D)), "schema_version": 2,
                 "amount": 3.0, "currency": "USD", "refers_to_event_id": v}
            if v == "absent":
                del o["refers_to_event_id"]
            else:
                c["events.empty_string_refers_to"] += 1
            self.emit(i, o)
            c["events.refund_missing_reference"] += 1
        self.purchases.extend((i, p) for p in (p1, p2, p3, p4))

    # cross-day traps -----------------------------------------------------------
    def cross_day_traps(self) -> None:
        rng, c = self.rng, self.c
        ev = self.ev_days
        if not ev:
            return
        e0, e1 = ev[0], ev[1] if len(ev) > 1 else ev[0]

        # A day 1, B day 2, A again day 4 (0-based 0, 1, 3) -> A wins; plus a refund of it
        a_day, b_day = e0, e1
        a2_day = 3 if (self.days >= 4 and 3 in ev) else ev[-1]
        A = self.payload("purchase", "u007", self.rand_ts(self.day(e0)), sv=2,
                         amount="30.00", currency="USD")
        B = dict(A, amount="35.00")
        self.emit(a_day, self.spell(A))
        self.emit(b_day, self.spell(B))
        self.emit(a2_day, self.spell(A, style="hhmm"))
        c["events.conflict_a_b_a"] += 1
        r = self.payload("refund", "u007", A["ts"] + timedelta(hours=2), sv=2, amount="32.00",
                         currency="USD", refers=A["event_id"])
        self.emit(b_day, self.spell(r))
        c["events.refund_of_conflicted_purchase"] += 1

        # schema_version beats a later ingest_date: v2 on e0, v1 on e1 (v2 wins)
        v2 = self.payload("page_view", "u008", self.rand_ts(self.day(e0)), sv=2)
        v1 = dict(v2, schema_version=1, ts=v2["ts"] + timedelta(minutes=5))
        self.emit(e0, self.spell(v2)); self.emit(e1, self.spell(v1))
        c["events.conflict_schema_version_beats_later_ingest"] += 1

        # refund that arrives before its purchase (purchase delivered on the next day)
        late_p = self.payload("purchase", "u009", self.rand_ts(self.day(e0) - timedelta(days=1)),
                              sv=2, amount="44.40", currency="EUR")
        rf = self.payload("refund", "u009", midnight(self.day(e0)) + timedelta(hours=8), sv=2,
                          amount="4.44", currency="EUR", refers=late_p["event_id"])
        self.emit(e0, self.spell(rf)); self.emit(e1, self.spell(late_p))
        c["events.refund_arrives_before_purchase"] += 1

        for k, i in enumerate(ev):
            D = self.day(i)
            prev = [j for j in ev if j < i]
            # conflict across days: later ingest wins even with an earlier timestamp / other user
            base = self.payload(rng.choice(("login", "purchase")), rng.choice(USERS),
                                self.rand_ts(D), sv=2)
            self.emit(i, self.spell(base))
            if k + 1 < len(ev):
                j = ev[k + 1]
                other = dict(base, ts=base["ts"] - timedelta(hours=1), user_id=rng.choice(USERS))
                if base["event_type"] == "purchase":
                    other["amount"] = f"{float(base['amount']) + 1:.2f}"
                self.emit(j, self.spell(other))
                c["events.conflict_across_days"] += 1
            # a quarantined copy of a valid event (not a conflict; valid one stays)
            good = self.payload("purchase", rng.choice(USERS), self.rand_ts(D), sv=2,
                                amount="15.00", currency="USD")
            bad = self.spell(good); bad["amount"] = "fifteen"
            tgt = ev[k + 1] if k + 1 < len(ev) else i
            self.emit(i, self.spell(good)); self.emit(tgt, bad); self.note_valid(good)
            c["events.quarantined_copy_of_valid_event"] += 1
            # exact duplicates across days: re-send earlier payloads spelled differently
            if prev:
                for _ in range(2):
                    pool = self.dup_pool[rng.choice(prev)]
                    if pool:
                        p = rng.choice(pool)
                        self.emit(i, self.spell(p, style=rng.choice(("colon", "hhmm")), extras=True))
                        c["events.exact_duplicate_across_days"] += 1

    def signups(self) -> None:
        rng, c = self.rng, self.c
        ev = self.ev_days
        for k, uid in enumerate(SIGNUP_USERS, start=1):
            i = ev[(k - 1) % len(ev)]
            D = self.day(i)
            if k <= 8:       # signed up 1-2 weeks earlier, arrives late: earlier cohort weeks
                d = D - timedelta(days=rng.randint(7, 13))
                c["events.late_signup"] += 1
            else:
                d = D
            ch = SIGNUP_CHANNELS[k % 4] if k <= 22 else None
            p = self.payload("signup", uid, self.rand_ts(d), channel=ch)
            self.emit(i, self.spell(p)); self.note_valid(p)
            c["events.signup_with_channel" if ch else "events.signup_without_channel"] += 1
            if k == 3:       # a second, later signup with another channel (first one counts)
                q = self.payload("signup", uid, p["ts"] + timedelta(days=1), channel="tiktok")
                self.emit(ev[-1], self.spell(q))
                c["events.repeat_signup"] += 1
            if k == 4:       # a second signup dated EARLIER, arriving on a later day
                q = self.payload("signup", uid, p["ts"] - timedelta(days=2), channel="newsletter")
                self.emit(ev[-1], self.spell(q)); self.note_valid(q)
                c["events.repeat_signup"] += 1
            # active on later days too, so cohorts span several weeks
            for extra in (3, 9, 16):
                d2 = p["ts"].date() + timedelta(days=extra)
                arrive = (d2 - self.start).days
                if arrive in self.groups:
                    a = self.payload("login", uid, self.rand_ts(d2))
                    self.emit(arrive, self.spell(a)); self.note_valid(a)

    # output ----------------------------------------------------------------
    def write(self, landing: Path) -> None:
        rng, c = self.rng, self.c
        for i in self.ev_days:
            groups = self.groups[i]
            rng.shuffle(groups)
            two = (i == self.ev_days[0]) or rng.random() < 0.4
            files = [[], []] if two else [[]]
            cut = rng.randint(len(groups) // 3, 2 * len(groups) // 3) if two else len(groups)
            for n, g in enumerate(groups):
                files[0 if n < cut else 1].extend(g)
            folder = _folder(landing, "events", self.day(i))
            for n, lines in enumerate(files):
                _write(folder / f"part-{n:05d}.ndjson", "\n".join(lines) + "\n")
            c["events.files"] += len(files)
            if two:
                c["events.days_with_two_files"] += 1
            if i % 3 == 0:
                _write(folder / "_SUCCESS", "")
                _write(folder / ".part-00000.ndjson.crc", "garbage {not json\n")
                c["events.ignored_files"] += 2
        if self.missing_day is not None:
            c["events.day_without_folder"] += 1
        mondays = {}
        for uid in sorted(self.valid_days):
            weeks = {d - timedelta(days=d.weekday()) for d in self.valid_days[uid]}
            mondays[uid] = len(weeks)
        c["events.users_active_several_weeks"] += sum(1 for n in mondays.values() if n >= 2)


def _write_events(landing, start, days, rng, per_day, c) -> None:
    ev = _Events(rng, start, days, per_day, c)
    ev.signups()
    for i in ev.ev_days:
        ev.day_traps(i)
    for i in ev.ev_days:
        n = max(20, per_day - sum(len(g) for g in ev.groups[i]))
        for _ in range(n):
            ev.normal_event(i)
    ev.cross_day_traps()
    ev.write(landing)


# ---------------------------------------------------------------- subscriptions
class _Subs:
    def __init__(self, rng: random.Random, start: date, days: int, counts: Counter):
        self.rng, self.start, self.days, self.c = rng, start, days, counts
        self.seq = 0
        self.sub_days = [i for i in range(days) if not (days > 6 and i % 7 == 5)]
        self.items: dict[int, list] = {i: [] for i in self.sub_days}
        self.pool: list[tuple[int, dict]] = []      # (day, canonical) valid, re-deliverable

    def new_id(self) -> str:
        self.seq += 1
        return f"sub-{self.rng.getrandbits(20):05x}-{self.seq:04d}"

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)

    def created(self, D: date) -> datetime:
        return midnight(D) - timedelta(seconds=self.rng.randint(60, 2 * 86400))

    def canonical(self, D: date, uid: str | None = None, start: date | None = None,
                  end: date | None | str = "rand", status: str | None = None,
                  price: str | None = None, currency: str | None = None) -> dict:
        rng = self.rng
        plan, p = rng.choice(PLANS)
        if start is None:
            start = D - timedelta(days=rng.randint(0, 150)) if rng.random() < 0.9 else \
                D + timedelta(days=rng.randint(1, 10))
        if end == "rand":
            end = None if rng.random() < 0.5 else start + timedelta(days=rng.randint(1, 180))
        if status is None:
            status = "canceled" if end is not None and rng.random() < 0.6 else "active"
        if currency is None:
            currency = "USD" if rng.random() < 0.7 else rng.choice(("EUR", "GBP", "JPY", "CAD"))
        if price is None:
            price = "1200" if currency == "JPY" else p
        return {"subscription_id": self.new_id(), "user_id": uid or rng.choice(USERS),
                "plan_id": plan, "price": price, "currency": currency, "start_date": start,
                "end_date": end, "status": status, "created_at": self.created(D)}

    def spell(self, s: dict, style: str | None = None) -> dict:
        rng, c = self.rng, self.c
        out = {"subscription_id": s["subscription_id"], "user_id": s["user_id"],
               "plan_id": s["plan_id"]}
        if rng.random() < 0.2:
            out["price"] = s["price"]
            c["subscriptions.numeric_string_price"] += 1
        else:
            out["price"] = float(s["price"])
        cur = s["currency"]
        if cur == "USD" and rng.random() < 0.2:
            c["subscriptions.currency_absent_means_usd"] += 1
        else:
            out["currency"] = cur.lower() if rng.random() < 0.1 else cur
        out["start_date"] = s["start_date"].isoformat()
        if s["end_date"] is None:
            if rng.random() < 0.15:
                c["subscriptions.end_date_absent"] += 1
            else:
                out["end_date"] = None
        else:
            out["end_date"] = s["end_date"].isoformat()
        out["status"] = respelled(s["status"], rng, 0.1, 0.15, c, "subscriptions.status_case_whitespace")
        out["created_at"] = format_timestamp(
            s["created_at"], style or rng.choice(TS_STYLES), rng.choice(OFFSETS_MIN))
        if rng.random() < 0.1:
            items = list(out.items())
            rng.shuffle(items)
            out = dict(items)
        return out

    def add(self, i: int, s: dict, pool: bool = True) -> dict:
        self.items[i].append(self.spell(s))
        c = self.c
        if s["end_date"] is None:
            c["subscriptions.end_date_null"] += 1
        elif s["status"] == "canceled":
            c["subscriptions.canceled_with_end_date"] += 1
        if pool:
            self.pool.append((i, s))
        return s

    def day_traps(self, i: int) -> None:
        rng, c = self.rng, self.c
        D = self.day(i)
        first = i == self.sub_days[0]
        for _ in range(rng.randint(3, 5)):
            self.add(i, self.canonical(D))
        # overlapping subscriptions of one user
        uid = USERS[(i * 7) % len(USERS)]
        self.add(i, self.canonical(D, uid, D - timedelta(days=60), None, "active", "9.99", "USD"))
        self.add(i, self.canonical(D, uid, D - timedelta(days=20), D + timedelta(days=40),
                                   "active", "14.99", "USD"))
        c["subscriptions.overlapping_user_subscriptions"] += 1
        # the later-start one ends: the earlier one counts again afterwards
        uid = USERS[(i * 7 + 3) % len(USERS)]
        self.add(i, self.canonical(D, uid, D - timedelta(days=90), None, "active", "4.99", "EUR"))
        self.add(i, self.canonical(D, uid, D - timedelta(days=30), D - timedelta(days=5),
                                   "canceled", "19.99", "USD"))
        c["subscriptions.overlap_later_one_ended"] += 1
        if first:
            # same start, different price (price decides)
            uid = "u021"
            self.add(i, self.canonical(D, uid, D - timedelta(days=10), None, "active", "9.99", "USD"))
            self.add(i, self.canonical(D, uid, D - timedelta(days=10), None, "active", "14.99", "USD"))
            c["subscriptions.overlap_same_start_price_decides"] += 1
            # same start, same price_usd (11.00 USD vs 10.00 EUR): subscription_id decides
            uid = "u022"
            self.add(i, self.canonical(D, uid, D - timedelta(days=12), None, "active", "11.00", "USD"))
            self.add(i, self.canonical(D, uid, D - timedelta(days=12), None, "active", "10.00", "EUR"))
            c["subscriptions.overlap_same_start_same_price_id_decides"] += 1
        # end_date == start_date: valid, active on no day
        s = self.canonical(D, end=None, status="canceled")
        s["end_date"] = s["start_date"]
        self.add(i, s, pool=False)
        c["subscriptions.end_equals_start"] += 1

        def bad(mutate, reason: str) -> None:
            s = self.canonical(D)
            o = self.spell(s)
            mutate(o)
            self.items[i].append(o)
            c[f"subscriptions.{reason}"] += 1

        def set_(k, v):
            return lambda o: o.__setitem__(k, v)

        def drop(k):
            return lambda o: o.pop(k, None)

        def canceled_no_end(o):
            o["status"] = "canceled"
            o["end_date"] = None

        def end_before(o):
            st = date.fromisoformat(o["start_date"])
            o["end_date"] = (st - timedelta(days=rng.randint(1, 30))).isoformat()

        bad(canceled_no_end, "canceled_without_end_date")
        bad(end_before, "end_before_start")
        bad(set_("status", rng.choice(("paused", "trialing", ""))), "invalid_status")
        bad(drop("status"), "invalid_status")
        bad(set_("price", rng.choice((-9.99, "-1"))), "invalid_price")
        bad(set_("price", rng.choice(("free", "9,99", None))), "invalid_price")
        bad(drop("price"), "invalid_price")
        bad(set_("currency", rng.choice(("XYZ", "btc"))), "unknown_currency")
        bad_dates = [set_("start_date", "2024/01/05"), set_("start_date", "2024-02-30"),
                     set_("start_date", D.isoformat() + "T00:00:00Z"), drop("start_date"),
                     set_("start_date", ""), set_("created_at", D.isoformat()),
                     set_("created_at", "yesterday"), drop("created_at"),
                     set_("end_date", "soon"), set_("end_date", "2024-13-01")]
        for k in range(3):
            bad(bad_dates[(3 * i + k) % len(bad_dates)], "invalid_date")
        bad(drop("subscription_id"), "missing_subscription_id")
        bad(set_("subscription_id", ""), "missing_subscription_id")
        bad(set_("user_id", rng.choice((None, ""))), "missing_user_id")
        # non-object elements
        for v in (rng.choice((42, "x", None)), rng.choice(([1, 2], True, "{}"))):
            self.items[i].append(v)
            c["subscriptions.non_object_elements"] += 1
        # same subscription_id twice in one file: later created_at and canceled wins
        s = self.canonical(D, end=None, status="active")
        t = dict(s, status="canceled", end_date=s["start_date"] + timedelta(days=25),
                 created_at=s["created_at"] + timedelta(hours=1))
        self.items[i].append(self.spell(s))
        self.items[i].append(self.spell(t))
        c["subscriptions.same_id_twice_in_file"] += 1
        # re-deliveries of earlier subscriptions (later ingest wins)
        earlier = [(d, s) for d, s in self.pool if d < i]
        if earlier:
            picks = rng.sample(earlier, min(4, len(earlier)))
            for n, (d0, s) in enumerate(picks):
                self.pool.remove((d0, s))
                if n == 0:
                    new = dict(s, status="canceled",
                               end_date=max(s["start_date"] + timedelta(days=7),
                                            s["end_date"] or s["start_date"]),
                               created_at=s["created_at"] + timedelta(days=1))
                    self.items[i].append(self.spell(new))
                    c["subscriptions.redelivered_changed_status"] += 1
                elif n == 1:
                    new = dict(s, price=f"{float(s['price']) + 2:.2f}",
                               created_at=s["created_at"] - timedelta(days=1))
                    self.items[i].append(self.spell(new))
                    c["subscriptions.redelivered_changed_price_older_created_at"] += 1
                elif n == 2:
                    self.items[i].append(self.spell(s))
                    c["subscriptions.redelivered_identical"] += 1
                else:
                    o = self.spell(s)
                    o["price"] = "free"
                    self.items[i].append(o)
                    c["subscriptions.redelivered_invalid"] += 1

    def write(self, landing: Path) -> None:
        c = self.c
        for k, i in enumerate(self.sub_days):
            D = self.day(i)
            items = self.items[i]
            folder = _folder(landing, "subscriptions", D)
            if k % 2:
                text = json.dumps(items, indent=2) + "\n"
                c["subscriptions.multiline_json_file"] += 1
            else:
                text = _dumps(items) + "\n"
            _write(folder / f"subscriptions-{D.isoformat()}.json", text)
            if k == 1 or (len(self.sub_days) == 1):
                obj = self.spell(self.canonical(D))
                _write(folder / "zz-not-an-array.json", _dumps(obj) + "\n")
                c["subscriptions.file_not_a_json_array"] += 1
                full = _dumps([self.spell(self.canonical(D))])
                _write(folder / "zz-truncated.json", full[: len(full) // 2])
                c["subscriptions.file_truncated"] += 1
            if k == len(self.sub_days) - 1:
                _write(folder / "empty.json", "[]\n")
                c["subscriptions.empty_array_file"] += 1
                _write(folder / "_SUCCESS", "")
                c["subscriptions.ignored_files"] += 1
        missing = self.days - len(self.sub_days)
        c["subscriptions.days_with_file"] += len(self.sub_days)
        if missing:
            c["subscriptions.days_without_file"] += missing


def _write_subscriptions(landing, start, days, rng, c) -> None:
    s = _Subs(rng, start, days, c)
    for i in s.sub_days:
        s.day_traps(i)
    s.write(landing)


# ---------------------------------------------------------------- marketing_spend
def spend_first_day(days: int) -> int:
    """0-based index of the first marketing_spend delivery."""
    return max(2, days // 2)


def spend_delivery_days(days: int) -> list[int]:
    first = spend_first_day(days)
    if first >= days:
        return []
    out = list(range(first, days, 15))
    if len(out) < 2 and days - 1 > first:
        out.append(days - 1)
    return out


def _write_spend(landing: Path, start: date, days: int, rng: random.Random, c: Counter) -> None:
    deliveries = spend_delivery_days(days)
    if not deliveries:
        return
    first = deliveries[0]
    c["spend.first_delivery_day_index"] += first
    valid: dict[str, set[date]] = {}
    delivered: list[tuple[date, str]] = []

    def spend_value() -> str:
        r = rng.random()
        if r < 0.06:
            c["spend.half_cent_spend"] += 1
            return f"{rng.randint(5, 300)}.{rng.randint(0, 99):02d}5"
        if r < 0.1:
            c["spend.whitespace_spend"] += 1
            return f" {rng.randint(5, 300)}.{rng.randint(0, 9)}0 "
        if r < 0.2:
            return str(rng.randint(10, 900))
        return f"{rng.randint(10, 900)}.{rng.randint(0, 99):02d}"

    def spell_channel(ch: str) -> str:
        r = rng.random()
        if r < 0.06:
            c["spend.channel_case_whitespace"] += 1
            return ch.capitalize() if r < 0.03 else f" {ch.upper()} "
        return ch

    def row(d: date, ch: str, sp: str | None = None, keep: bool = True) -> list[str]:
        if keep:
            valid.setdefault(ch, set()).add(d)
            delivered.append((d, ch))
        return [d.isoformat(), spell_channel(ch), sp if sp is not None else spend_value()]

    def day_rows(d: date) -> list[list[str]]:
        rows = []
        for ch in SPEND_CHANNELS:
            if ch == "newsletter" and d.toordinal() % 3 == 0:
                continue                              # regular gaps
            if ch == "tiktok" and rng.random() < 0.12:
                continue
            rows.append(row(d, ch))
        return rows

    def invalid_rows(D: date) -> list[list[str]]:
        d = D - timedelta(days=rng.randint(1, 10))
        out = [[d.isoformat(), "", spend_value()]]          # missing channel -> unknown (valid)
        valid.setdefault("unknown", set()).add(d)
        c["spend.missing_channel"] += 1
        out.append([d.isoformat(), "google", rng.choice(("-50.00", "-0.01"))])
        c["spend.negative_spend"] += 1
        out.append([d.isoformat(), "facebook", rng.choice(("n/a", "abc", "12,50"))])
        c["spend.non_numeric_spend"] += 1
        out.append([d.isoformat(), "tiktok", ""])
        c["spend.missing_spend"] += 1
        for bad in (rng.choice(("2024/01/05", "05-01-2024", "yesterday")),
                    rng.choice(("2024-02-30", "", D.isoformat() + "T00:00:00Z"))):
            out.append([bad, "google", "10.00"])
            c["spend.invalid_date"] += 1
        return out

    def cell(v: str) -> str:
        return f'"{v}"' if ("," in v or '"' in v) else v

    def render(rows: list[list[str]], blank: bool = False) -> str:
        lines = ["date,channel,spend"] + [",".join(cell(v) for v in r) for r in rows]
        if blank:
            lines.insert(len(lines) // 2, "")
            c["spend.blank_lines"] += 1
        return "\n".join(lines) + "\n"

    def same_key_pairs(rows: list[list[str]]) -> list[list[str]]:
        # the same (date, channel) twice in one file: the last VALID row wins
        r1, r2 = rows[0], rows[1]
        c["spend.same_key_twice_in_file"] += 1
        c["spend.same_key_twice_last_row_invalid"] += 1
        return [[r1[0], r1[1].strip().lower(), spend_value()],
                [r2[0], r2[1].strip().lower(), "-1.00"]]

    prev_D = None
    for n, i in enumerate(deliveries):
        D = start + timedelta(days=i)
        lo = start - timedelta(days=28) if prev_D is None else prev_D
        rows: list[list[str]] = []
        d = lo
        while d < D:
            rows.extend(day_rows(d))
            if n == 0:
                c["spend.dates_before_first_delivery"] += 1
            d += timedelta(days=1)
        folder = _folder(landing, "marketing_spend", D)
        if n == 0:
            cut = len(rows) // 2
            part_a, part_b = rows[:cut], rows[cut:]
            part_b.extend(same_key_pairs(part_b))
            # the later file (by name) of the same ingest date restates rows of the first
            for r in rng.sample(part_a, 2):
                part_b.append([r[0], r[1].strip().lower(), spend_value()])
                c["spend.restated_by_later_file_same_day"] += 1
            part_b.extend(invalid_rows(D))
            _write(folder / "spend_a.csv", render(part_a))
            _write(folder / "spend_b.csv", render(part_b, blank=True))
            _write(folder / "_SUCCESS", "")
            c["spend.ignored_files"] += 1
        else:
            earlier = delivered[: len(delivered) - len(rows)]
            # restate rows delivered on an earlier ingest date (later ingest wins)
            for d0, ch in rng.sample(earlier, 3):
                rows.append(row(d0, ch))
                c["spend.restated_by_later_ingest"] += 1
            rows.extend(same_key_pairs(rows))
            rows.extend(invalid_rows(D))
            _write(folder / f"spend_{D.isoformat()}.csv", render(rows))
        c["spend.deliveries"] += 1
        prev_D = D
    for ch in sorted(valid):
        ds = valid[ch]
        c["spend.channel_day_gaps"] += (max(ds) - min(ds)).days + 1 - len(ds)


# ---------------------------------------------------------------- entry point
def write_world(landing: Path, start: date, days: int, seed: int,
                events_per_day: int = 120) -> dict[str, int]:
    """Write the subscriptions hard-case world under `landing`; return trap counts.

    Keys are `<source>.<trap>` (sources: events, subscriptions, spend).
    """
    if days < 1:
        raise ValueError("days must be >= 1")
    landing = Path(landing)
    c: Counter = Counter()
    rng = random.Random(seed)
    _write_events(landing, start, days, random.Random(rng.getrandbits(64)), events_per_day, c)
    _write_subscriptions(landing, start, days, random.Random(rng.getrandbits(64)), c)
    _write_spend(landing, start, days, random.Random(rng.getrandbits(64)), c)
    return dict(sorted(c.items()))
