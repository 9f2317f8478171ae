"""Everything the sandbox remembers, in SQLite (in memory by default, or a file that survives a restart)."""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS shops (
    aid TEXT PRIMARY KEY, allowed_origins TEXT NOT NULL, security_code INTEGER NOT NULL,
    md_optional INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY, access_key TEXT NOT NULL, aid TEXT NOT NULL, ip_allow_list TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS billings (
    user_id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, individual TEXT NOT NULL,
    PRIMARY KEY (user_id, code));
CREATE TABLE IF NOT EXISTS payment_methods (
    number INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, billing_code TEXT NOT NULL,
    code TEXT NOT NULL, name TEXT NOT NULL, payment_method INTEGER NOT NULL,
    register_status INTEGER NOT NULL, cod TEXT, regist_date TEXT, valid_flg INTEGER NOT NULL,
    card_brand TEXT, card_last4 TEXT, card_expiry TEXT, update_date TEXT,
    credit_card_regist_kind INTEGER);
CREATE TABLE IF NOT EXISTS webhooks (
    user_id TEXT PRIMARY KEY, url TEXT NOT NULL, signature_key TEXT NOT NULL, max_attempts INTEGER NOT NULL,
    retry_seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, event_id TEXT NOT NULL, attempt INTEGER NOT NULL,
    time TEXT NOT NULL, url TEXT NOT NULL, payload TEXT NOT NULL, status INTEGER, answer TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS unknown_uri (scope TEXT PRIMARY KEY, status INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY, aid TEXT NOT NULL, brand TEXT NOT NULL, first6 TEXT NOT NULL,
    last4 TEXT NOT NULL, expiry TEXT NOT NULL, decline TEXT, issued_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, endpoint TEXT NOT NULL,
    method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER, request TEXT, response TEXT,
    user_id TEXT, aid TEXT);
CREATE TABLE IF NOT EXISTS token_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, mode TEXT, aid TEXT, origin TEXT,
    params TEXT NOT NULL, result TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS primes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint TEXT NOT NULL, code TEXT NOT NULL,
    remaining INTEGER NOT NULL, user_id TEXT, aid TEXT);
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY AUTOINCREMENT, endpoint TEXT NOT NULL, kind TEXT NOT NULL, seconds REAL,
    remaining INTEGER NOT NULL, user_id TEXT, aid TEXT);
CREATE TABLE IF NOT EXISTS maintenance (scope TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS rate_limits (
    scope TEXT PRIMARY KEY, max_requests INTEGER NOT NULL, window_seconds REAL NOT NULL,
    lag_seconds REAL NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS clock_offsets (scope TEXT PRIMARY KEY, seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS shop_three_d_secure (aid TEXT PRIMARY KEY, setting TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS token_three_d_secure (
    token TEXT PRIMARY KEY, status TEXT NOT NULL, em TEXT, pn TEXT, challenge TEXT);
"""
TABLES = (
    "shops",
    "users",
    "billings",
    "payment_methods",
    "tokens",
    "journal",
    "token_calls",
    "primes",
    "faults",
    "maintenance",
    "rate_limits",
    "clock_offsets",
    "webhooks",
    "webhook_deliveries",
    "unknown_uri",
    "shop_three_d_secure",
    "token_three_d_secure",
)
# A shop's 3-D Secure setting: the current spec requires it, "off" is the seed's pre-3-D-Secure shop.
THREE_D_SECURE_SETTINGS = ("required", "off")
DEFAULT_THREE_D_SECURE = "required"
# Scope key of settings that apply to every account.
GLOBAL = ""


class StateError(ValueError):
    """A state change that cannot be made; the message says what to fix."""


class SandboxState:
    """Thread-safe store of shops, API users, billings, tokens, journal and the control settings."""

    def __init__(self, path: str | Path | None = None) -> None:
        target = str(path) if path else ":memory:"
        try:
            self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            raise StateError(
                f"cannot use {target} as the sandbox state file ({error}); "
                "give --state a writable SQLite file path."
            ) from error
        self._lock = threading.RLock()
        self._depth = 0

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock; nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._db.execute(sql, params).fetchall()]

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def reset(self) -> None:
        with self._transaction() as db:
            for table in TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 - table names are constants

    # ------------------------------------------------------------------ shops and users
    def upsert_shop(
        self,
        aid: str,
        allowed_origins: list[str] | None = None,
        security_code: bool | None = None,
        md_optional: bool | None = None,
    ) -> dict[str, Any]:
        with self._transaction() as db:
            current = self.shop(aid) or {"allowed_origins": [], "security_code": False, "md_optional": False}
            shop = {
                "aid": aid,
                "allowed_origins": current["allowed_origins"] if allowed_origins is None else allowed_origins,
                "security_code": current["security_code"] if security_code is None else security_code,
                "md_optional": current["md_optional"] if md_optional is None else md_optional,
            }
            db.execute(
                "INSERT OR REPLACE INTO shops VALUES (?, ?, ?, ?)",
                (
                    aid,
                    json.dumps(shop["allowed_origins"]),
                    int(shop["security_code"]),
                    int(shop["md_optional"]),
                ),
            )
        return shop

    def shop(self, aid: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM shops WHERE aid = ?", (aid,))
        if row is None:
            return None
        row["allowed_origins"] = json.loads(row["allowed_origins"])
        row["security_code"] = bool(row["security_code"])
        row["md_optional"] = bool(row["md_optional"])
        return row

    def upsert_user(
        self, user_id: str, access_key: str, aid: str, ip_allow_list: list[str] | None = None
    ) -> dict[str, Any]:
        with self._transaction() as db:
            if self.shop(aid) is None:
                raise StateError(f"no shop has aid {aid!r}; create it with POST /_sandbox/shops first.")
            current = self.user(user_id)
            allow = ip_allow_list if ip_allow_list is not None else (current or {}).get("ip_allow_list", [])
            db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                (user_id, access_key, aid, json.dumps(allow)),
            )
        return {"user_id": user_id, "access_key": access_key, "aid": aid, "ip_allow_list": allow}

    def user(self, user_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM users WHERE user_id = ?", (user_id,))
        if row is not None:
            row["ip_allow_list"] = json.loads(row["ip_allow_list"])
        return row

    def create_account(
        self,
        allowed_origins: list[str],
        security_code: bool,
        ip_allow_list: list[str],
        md_optional: bool,
        three_d_secure: str = DEFAULT_THREE_D_SECURE,
    ) -> dict[str, Any]:
        """A fresh shop and API user whose aid and user_id no other account has."""
        alphabet = string.ascii_letters + string.digits
        with self._transaction():
            aid = _unused(lambda: str(100000 + secrets.randbelow(900000)), lambda value: self.shop(value))
            user_id = _unused(
                lambda: f"qa-{secrets.token_hex(6)}@sandbox.example", lambda value: self.user(value)
            )
            access_key = "".join(secrets.choice(alphabet) for _ in range(24))
            shop = self.upsert_shop(aid, allowed_origins, security_code, md_optional)
            user = self.upsert_user(user_id, access_key, aid, ip_allow_list)
            self.set_three_d_secure(aid, three_d_secure)
        return {**user, **shop, "three_d_secure": three_d_secure}

    # ------------------------------------------------------------------ billings and payment methods
    def upsert_billing(self, user_id: str, code: str, name: str, individual: list[Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO billings VALUES (?, ?, ?, ?)",
                (user_id, code, name, json.dumps(individual, ensure_ascii=False)),
            )

    def billings(self, user_id: str) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM billings WHERE user_id = ? ORDER BY code", (user_id,))
        for row in rows:
            row["individual"] = json.loads(row["individual"])
        return rows

    def next_individual_number(self, user_id: str) -> int:
        """A 請求先部署番号 no individual of the user's billings has yet."""
        numbers = [item.get("number") for billing in self.billings(user_id) for item in billing["individual"]]
        return 1 + max((n for n in numbers if isinstance(n, int)), default=0)

    def billing(self, user_id: str, code: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM billings WHERE user_id = ? AND code = ?", (user_id, code))
        if row is not None:
            row["individual"] = json.loads(row["individual"])
        return row

    def upsert_payment_method(
        self,
        user_id: str,
        billing_code: str,
        code: str,
        name: str,
        payment_method: int,
        regist_date: str,
        credit_card_regist_kind: int = 1,
    ) -> dict[str, Any]:
        """The billing's payment method with this code, created (credit card: 登録待ち with a cod) if new.

        A new credit card whose credit_card_regist_kind is 2 (登録用メールを送付) starts at 2 (メール送信済み).
        """
        with self._transaction() as db:
            existing = self.payment_methods(user_id, billing_code=billing_code, code=code)
            if existing:
                db.execute(
                    "UPDATE payment_methods SET name = ?, update_date = ? WHERE number = ?",
                    (name, regist_date, existing[0]["number"]),
                )
                return {**existing[0], "name": name, "update_date": regist_date}
            credit_card = payment_method == 1
            status = (2 if credit_card_regist_kind == 2 else 1) if credit_card else 0
            cursor = db.execute(
                "INSERT INTO payment_methods (user_id, billing_code, code, name, payment_method,"
                " register_status, regist_date, valid_flg, update_date, credit_card_regist_kind)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                (
                    user_id, billing_code, code, name, payment_method, status, regist_date, regist_date,
                    credit_card_regist_kind if credit_card else None,
                ),
            )
            number = int(cursor.lastrowid or 0)
            if credit_card:
                db.execute(
                    "UPDATE payment_methods SET cod = ? WHERE number = ?", (f"RP{number:010d}", number)
                )
            return self.payment_methods(user_id, number=number)[0]

    def payment_methods(
        self,
        user_id: str,
        billing_code: str | None = None,
        number: int | None = None,
        code: str | None = None,
        register_status: int | None = None,
    ) -> list[dict[str, Any]]:
        sql = "SELECT * FROM payment_methods WHERE user_id = ?"
        params: list[Any] = [user_id]
        for column, value in (
            ("billing_code", billing_code),
            ("number", number),
            ("code", code),
            ("register_status", register_status),
        ):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        rows = self._rows(sql + " ORDER BY number", tuple(params))
        for row in rows:
            del row["user_id"]
        return rows

    def register_card(self, number: int, brand: str, last4: str, expiry: str, regist_date: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE payment_methods SET register_status = 5, card_brand = ?, card_last4 = ?,"
                " card_expiry = ?, update_date = ? WHERE number = ?",
                (brand, last4, expiry, regist_date, number),
            )

    # ------------------------------------------------------------------ tokens
    def store_token(
        self,
        token: str,
        aid: str,
        brand: str,
        first6: str,
        last4: str,
        expiry: str,
        decline: str | None,
        issued_at: float,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (token, aid, brand, first6, last4, expiry, decline, issued_at),
            )

    def token(self, token: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM tokens WHERE token = ?", (token,))

    def use_token(self, token: str) -> bool:
        """Mark the token used; False when it was already used (single use, even between threads)."""
        with self._transaction() as db:
            return (
                db.execute("UPDATE tokens SET used = 1 WHERE token = ? AND used = 0", (token,)).rowcount == 1
            )

    # ------------------------------------------------------------------ 3-D Secure
    def set_three_d_secure(self, aid: str, setting: str) -> None:
        if setting not in THREE_D_SECURE_SETTINGS:
            raise StateError(f"three_d_secure must be one of {', '.join(THREE_D_SECURE_SETTINGS)}.")
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO shop_three_d_secure VALUES (?, ?)", (aid, setting))

    def three_d_secure(self, aid: str) -> str:
        """The shop's 3-D Secure setting; a shop never given one follows the current spec (required)."""
        row = self._one("SELECT setting FROM shop_three_d_secure WHERE aid = ?", (aid,))
        return row["setting"] if row else DEFAULT_THREE_D_SECURE

    def start_authentication(
        self, token: str, status: str, em: str | None, pn: str | None, challenge: str | None
    ) -> bool:
        """Record the token's first authentication; False when it already had one (a token authenticates once)."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO token_three_d_secure VALUES (?, ?, ?, ?, ?)",
                (token, status, em, pn, challenge),
            )
            return cursor.rowcount == 1

    def authentication(self, token: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM token_three_d_secure WHERE token = ?", (token,))

    def challenge(self, challenge: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM token_three_d_secure WHERE challenge = ?", (challenge,))

    def finish_challenge(self, challenge: str, status: str) -> bool:
        """Settle a pending challenge; False when there is none pending under this id (answered already)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE token_three_d_secure SET status = ? WHERE challenge = ? AND status = 'pending'",
                (status, challenge),
            )
            return cursor.rowcount == 1

    # ------------------------------------------------------------------ journal and token calls
    def add_journal(self, entry: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO journal (time, endpoint, method, path, status, request, response, user_id, aid)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry["time"],
                    entry["endpoint"],
                    entry["method"],
                    entry["path"],
                    entry["status"],
                    json.dumps(entry["request"], ensure_ascii=False),
                    json.dumps(entry["response"], ensure_ascii=False),
                    entry.get("user_id"),
                    entry.get("aid"),
                ),
            )

    def journal(
        self, user_id: str | None = None, aid: str | None = None, endpoint: str | None = None
    ) -> list[dict[str, Any]]:
        sql, params = _filtered("SELECT * FROM journal", user_id=user_id, aid=aid, endpoint=endpoint)
        entries = self._rows(sql + " ORDER BY id", params)
        for entry in entries:
            entry["request"] = json.loads(entry["request"])
            entry["response"] = json.loads(entry["response"])
            del entry["id"]
        return entries

    def add_token_call(self, call: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO token_calls (time, mode, aid, origin, params, result) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    call["time"],
                    call["mode"],
                    call["aid"],
                    call["origin"],
                    json.dumps(call["params"]),
                    call["result"],
                ),
            )

    def token_calls(self, aid: str | None = None) -> list[dict[str, Any]]:
        sql, params = _filtered("SELECT * FROM token_calls", aid=aid)
        calls = self._rows(sql + " ORDER BY id", params)
        for call in calls:
            call["params"] = json.loads(call["params"])
            del call["id"]
        return calls

    # ------------------------------------------------------------------ primed codes, faults, maintenance
    def add_prime(self, endpoint: str, code: str, count: int, user_id: str | None, aid: str | None) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO primes (endpoint, code, remaining, user_id, aid) VALUES (?, ?, ?, ?, ?)",
                (endpoint, code, count, user_id, aid),
            )

    def take_prime(self, endpoint: str, user_id: str | None, aid: str | None) -> str | None:
        row = self._take("primes", endpoint, user_id, aid)
        return row["code"] if row else None

    def add_fault(
        self,
        endpoint: str,
        kind: str,
        seconds: float | None,
        count: int,
        user_id: str | None,
        aid: str | None,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO faults (endpoint, kind, seconds, remaining, user_id, aid)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (endpoint, kind, seconds, count, user_id, aid),
            )

    def take_fault(self, endpoint: str, user_id: str | None, aid: str | None) -> dict[str, Any] | None:
        return self._take("faults", endpoint, user_id, aid)

    def _take(self, table: str, endpoint: str, user_id: str | None, aid: str | None) -> dict[str, Any] | None:
        """The oldest setting of this endpoint that applies to the caller, one use of it spent."""
        with self._transaction() as db:
            row = db.execute(
                f"SELECT * FROM {table} WHERE endpoint = ? AND remaining > 0"  # noqa: S608 - constant table
                " AND (user_id IS NULL OR user_id = ?) AND (aid IS NULL OR aid = ?) ORDER BY id LIMIT 1",
                (endpoint, user_id, aid),
            ).fetchone()
            if row is None:
                return None
            db.execute(f"UPDATE {table} SET remaining = remaining - 1 WHERE id = ?", (row["id"],))  # noqa: S608
            return dict(row)

    def set_maintenance(self, on: bool, user_id: str | None) -> None:
        with self._transaction() as db:
            if on:
                db.execute("INSERT OR IGNORE INTO maintenance VALUES (?)", (user_id or GLOBAL,))
            else:
                db.execute("DELETE FROM maintenance WHERE scope = ?", (user_id or GLOBAL,))

    def in_maintenance(self, user_id: str | None) -> bool:
        scopes = (GLOBAL, user_id) if user_id else (GLOBAL,)
        marks = ",".join("?" * len(scopes))
        return self._one(f"SELECT scope FROM maintenance WHERE scope IN ({marks})", scopes) is not None  # noqa: S608

    # ------------------------------------------------------------------ rate limit settings
    def set_rate_limit(
        self, max_requests: int, window_seconds: float, lag_seconds: float, user_id: str | None
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO rate_limits VALUES (?, ?, ?, ?)",
                (user_id or GLOBAL, max_requests, window_seconds, lag_seconds),
            )

    def rate_limit(self, user_id: str | None) -> tuple[int, float, float, bool] | None:
        """(limit, window, lag, set for this very user) of this user's setting, else the global one, else None."""
        for scope in (user_id, GLOBAL) if user_id else (GLOBAL,):
            row = self._one("SELECT * FROM rate_limits WHERE scope = ?", (scope,))
            if row:
                return row["max_requests"], row["window_seconds"], row["lag_seconds"], scope != GLOBAL
        return None


    # ------------------------------------------------------------------ webhooks and the unknown-URI answer
    def set_webhook(
        self, user_id: str, url: str, signature_key: str, max_attempts: int, retry_seconds: float
    ) -> dict[str, Any]:
        with self._transaction() as db:
            current = self.webhook(user_id)
            key = current["signature_key"] if current else signature_key
            db.execute(
                "INSERT OR REPLACE INTO webhooks VALUES (?, ?, ?, ?, ?)",
                (user_id, url, key, max_attempts, retry_seconds),
            )
        return self.webhook(user_id) or {}

    def webhook(self, user_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM webhooks WHERE user_id = ?", (user_id,))

    def add_webhook_delivery(self, delivery: dict[str, Any]) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO webhook_deliveries (user_id, event_id, attempt, time, url, payload, status, answer,"
                " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    delivery["user_id"], delivery["event_id"], delivery["attempt"], delivery["time"],
                    delivery["url"], json.dumps(delivery["payload"], ensure_ascii=False), delivery["status"],
                    delivery["answer"], delivery["error"],
                ),
            )

    def webhook_deliveries(self, user_id: str | None = None) -> list[dict[str, Any]]:
        sql, params = _filtered("SELECT * FROM webhook_deliveries", user_id=user_id)
        deliveries = self._rows(sql + " ORDER BY id", params)
        for delivery in deliveries:
            delivery["payload"] = json.loads(delivery["payload"])
            del delivery["id"]
        return deliveries

    def set_unknown_uri(self, status: int | None, user_id: str | None) -> None:
        """Answer unknown URIs without a body and with this status (None: code 10 again), for one user or all."""
        with self._transaction() as db:
            db.execute("DELETE FROM unknown_uri WHERE scope = ?", (user_id or GLOBAL,))
            if status is not None:
                db.execute("INSERT INTO unknown_uri VALUES (?, ?)", (user_id or GLOBAL, status))

    def unknown_uri_status(self, user_id: str | None) -> int | None:
        """The bodyless status set for this user (else for everyone), or None for the code 10 answer."""
        for scope in (user_id, GLOBAL) if user_id else (GLOBAL,):
            row = self._one("SELECT status FROM unknown_uri WHERE scope = ?", (scope,))
            if row:
                return row["status"]
        return None

    # ------------------------------------------------------------------ clock offsets
    def set_clock_offset(self, seconds: float, aid: str | None) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO clock_offsets VALUES (?, ?)", (aid or GLOBAL, seconds))

    def clock_offsets(self) -> dict[str, float]:
        """Offset in seconds per scope: GLOBAL ("") for every shop, else the shop's aid."""
        return {row["scope"]: row["seconds"] for row in self._rows("SELECT * FROM clock_offsets")}


def _unused(make: Any, find: Any) -> str:
    while True:
        candidate = make()
        if find(candidate) is None:
            return candidate


def _filtered(sql: str, **filters: str | None) -> tuple[str, tuple[str, ...]]:
    clauses = [f"{column} = ?" for column, value in filters.items() if value]
    params = tuple(value for value in filters.values() if value)
    return (sql + " WHERE " + " AND ".join(clauses) if clauses else sql), params
