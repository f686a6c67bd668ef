"""Sharding: N daemons split the tenants between them by a stable hash of each tenant's name.

`run --shard I/N` checks only the tenants of shard I (0 <= I < N); `--shard auto/N` takes I from
the host name's trailing `-<n>`, as a StatefulSet names its pods (`zendesk-monitor-2`). A tenant's
shard depends on its name and N alone, so every replica agrees without talking to the others, and
a tenant moves only when N changes. Pure functions: the caller passes the host name.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass

from monitor.config.model import Config

_SHARD = re.compile(r"(?P<index>[0-9]+|auto)/(?P<count>[0-9]+)")
_TRAILING_NUMBER = re.compile(r"-(?P<number>[0-9]+)\Z")


class ShardError(ValueError):
    """A `--shard` value that cannot be used; the message says why and what is expected."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` of `count`."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ShardError(f"the number of shards must be at least 1, not {self.count}")
        if not 0 <= self.index < self.count:
            raise ShardError(
                f"shard {self.index} does not exist: shards of {self.count} "
                f"are numbered 0 to {self.count - 1}"
            )

    def owns(self, name: str) -> bool:
        return shard_of(name, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(name: str, count: int) -> int:
    """The shard of the tenant `name` among `count`: the first 8 bytes of the SHA-256 of its
    name, big-endian, modulo `count`. Fixed forever: changing it moves tenants between replicas."""
    if count < 1:
        raise ShardError(f"the number of shards must be at least 1, not {count}")
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % count


def parse_shard(text: str, *, hostname: str) -> Shard:
    """`I/N` or `auto/N`; `auto` reads I from `hostname`'s trailing `-<n>` (its first label, so a
    fully qualified `zendesk-monitor-2.zendesk-monitor.ns.svc` works too)."""
    match = _SHARD.fullmatch(text.strip())
    if match is None:
        raise ShardError(f"{text!r} is not I/N or auto/N (e.g. 0/3, auto/3)")
    count = int(match["count"])
    if count < 1:
        raise ShardError(f"the number of shards must be at least 1, not {count}")
    if match["index"] != "auto":
        return Shard(int(match["index"]), count)
    host = hostname.split(".", 1)[0]
    number = _TRAILING_NUMBER.search(host)
    if number is None:
        raise ShardError(
            f"auto/{count} needs a host name ending in -<number> (a StatefulSet pod such as "
            f"zendesk-monitor-2), and this host is {hostname!r}: give the shard as I/{count}"
        )
    index = int(number["number"])
    if index >= count:
        raise ShardError(
            f"host {hostname!r} is shard {index}, but auto/{count} has shards 0 to {count - 1}: "
            f"are there more replicas than {count}?"
        )
    return Shard(index, count)


def select(config: Config, shard: Shard | None) -> Config:
    """The part of `config` that `shard` checks: its valid and invalid tenants (an invalid
    tenant still needs one replica to report it as `config_invalid`). None keeps everything."""
    if shard is None:
        return config
    return dataclasses.replace(
        config,
        tenants=tuple(t for t in config.tenants if shard.owns(t.name)),
        invalid_tenants=tuple(t for t in config.invalid_tenants if shard.owns(t.name)),
    )
