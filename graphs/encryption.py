"""Checkpoints encrypted at rest: LangGraph's `EncryptedSerializer` with a ring of AES-256-GCM keys.

`SWITCHBOARD_CHECKPOINT_KEYS` holds comma-separated base64 keys (32 bytes each; `switchboard
protect new-key` makes one). The first key encrypts; every key decrypts, so a key is rotated by
putting a new one first, running `switchboard protect migrate` (which re-writes every stored
checkpoint with the new key) and then dropping the old one. Each ciphertext names its key by a
short id (`aesgcm.<id>`), so a checkpoint whose key is gone fails with a clear error instead of
garbage. Without keys, checkpoints are stored as LangGraph writes them (plain), and an encrypted
one met without keys fails with the same kind of clear error (`PlainSerializer`).

The PostgreSQL savers keep a checkpoint's plain values (strings, numbers) inline in a JSON
column, outside the serializer: `seal_inline_values` wraps them so that they go through it (and
are encrypted) like every other value; `SealingSerde` unwraps them on the way in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from langgraph.checkpoint.serde.base import CipherProtocol, SerializerProtocol
from langgraph.checkpoint.serde.encrypted import EncryptedSerializer
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from switchboard.errors import ConfigurationError

CIPHER = "aesgcm"
_NONCE_BYTES = 12


def key_id(key: bytes) -> str:
    """A short public name of a key (never the key itself)."""
    return hashlib.sha256(b"switchboard-checkpoint-key:" + key).hexdigest()[:12]


def new_key() -> str:
    """A fresh random key, base64 (what `SWITCHBOARD_CHECKPOINT_KEYS` takes)."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def parse_keys(raw: str | None) -> list[bytes]:
    """The keys of the setting, first (encrypting) key first; ConfigurationError for a bad one."""
    keys = []
    for n, part in enumerate(p.strip() for p in (raw or "").split(",")):
        if not part:
            continue
        try:
            key = base64.b64decode(
                part + "=" * (-len(part) % 4),
                altchars=b"-_" if "-" in part or "_" in part else None,
                validate=True,
            )
        except (binascii.Error, ValueError) as exc:
            raise ConfigurationError(f"SWITCHBOARD_CHECKPOINT_KEYS: key {n + 1} is not base64") from exc
        if len(key) != 32:
            raise ConfigurationError(
                f"SWITCHBOARD_CHECKPOINT_KEYS: key {n + 1} is {len(key)} bytes; AES-256 needs 32 "
                "(make one with `switchboard protect new-key`)"
            )
        keys.append(key)
    return keys


class KeyRingCipher(CipherProtocol):
    """AES-256-GCM with the first key; decryption by the key named in the cipher name."""

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ConfigurationError("an encrypted checkpointer needs at least one key")
        self._aeads = {key_id(k): AESGCM(k) for k in keys}
        self.primary = key_id(keys[0])

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        nonce = os.urandom(_NONCE_BYTES)
        return f"{CIPHER}.{self.primary}", nonce + self._aeads[self.primary].encrypt(nonce, plaintext, None)

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        scheme, _, kid = ciphername.partition(".")
        if scheme != CIPHER:
            raise ConfigurationError(f"checkpoint encrypted with an unknown cipher {scheme!r}")
        aead = self._aeads.get(kid)
        if aead is None:
            raise ConfigurationError(
                f"a checkpoint is encrypted with key {kid}, which is not in SWITCHBOARD_CHECKPOINT_KEYS"
            )
        try:
            return aead.decrypt(ciphertext[:_NONCE_BYTES], ciphertext[_NONCE_BYTES:], None)
        except InvalidTag as exc:
            raise ConfigurationError(
                f"a checkpoint encrypted with key {kid} does not decrypt (damaged?)"
            ) from exc


@dataclass(frozen=True)
class Sealed:
    """A plain checkpoint value on its way to the serializer (see `seal_inline_values`)."""

    value: Any


class SealingSerde(SerializerProtocol):
    """The encrypted serializer, which also takes `Sealed` values (and writes them unwrapped)."""

    def __init__(self, inner: SerializerProtocol) -> None:
        self.inner = inner

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return self.inner.dumps_typed(obj.value if isinstance(obj, Sealed) else obj)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)


def seal_inline_values(checkpoint: Any) -> Any:
    """The checkpoint with its plain channel values wrapped, so that no saver stores them inline."""
    values = checkpoint.get("channel_values") or {}
    sealed = {
        k: Sealed(v) if v is None or isinstance(v, str | int | float | bool) else v for k, v in values.items()
    }
    return {**checkpoint, "channel_values": sealed}


class PlainSerializer(JsonPlusSerializer):
    """LangGraph's default serializer (no keys), which names the missing setting when it meets an
    encrypted value instead of failing with "Unknown serialization type"."""

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        if is_encrypted(data[0]):
            kid = data[0].rpartition(".")[2]
            raise ConfigurationError(
                f"a checkpoint is encrypted (key {kid}) but SWITCHBOARD_CHECKPOINT_KEYS is not set"
            )
        return super().loads_typed(data)


def checkpoint_serde(raw_keys: str | None) -> SerializerProtocol | None:
    """The serializer for `SWITCHBOARD_CHECKPOINT_KEYS` (None: checkpoints stay plain)."""
    keys = parse_keys(raw_keys)
    if not keys:
        return None
    return SealingSerde(EncryptedSerializer(KeyRingCipher(keys), JsonPlusSerializer()))


def is_encrypted(type_name: str) -> bool:
    """Whether a stored value's type tag says it was encrypted (`msgpack+aesgcm.<id>`)."""
    return "+" in type_name


def serde_for(settings: Any) -> SerializerProtocol:
    """The checkpoint serializer of `settings` (`SWITCHBOARD_CHECKPOINT_KEYS`; plain without)."""
    keys = settings.checkpoint_keys
    return checkpoint_serde(keys.get_secret_value() if keys is not None else None) or PlainSerializer()


def is_sealing(serde: SerializerProtocol | None) -> bool:
    """Whether `serde` encrypts (the PostgreSQL savers are then sealed: `sealed_saver`)."""
    return isinstance(serde, SealingSerde)


def sealed_saver(cls: type[Any]) -> type[Any]:
    """`cls` (a PostgreSQL saver) storing every channel value through its serializer.

    The savers keep plain values inline in the checkpoint's JSON and only write the blobs of
    channels that changed; sealed, every plain value is a blob, and each put writes the blobs of
    all of them (idempotent: a blob that exists is left alone), so a checkpoint never points to a
    value that was inline in an older one.
    """

    def sealed(checkpoint: Any, new_versions: Any) -> tuple[Any, Any]:
        wrapped = seal_inline_values(checkpoint)
        versions = checkpoint.get("channel_versions") or {}
        plain = {
            k: versions[k]
            for k, v in wrapped["channel_values"].items()
            if isinstance(v, Sealed) and k in versions
        }
        return wrapped, {**plain, **dict(new_versions)}

    class Sealing(cls):  # type: ignore[misc]
        def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            wrapped, versions = sealed(checkpoint, new_versions)
            return super().put(config, wrapped, metadata, versions)

        async def aput(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            wrapped, versions = sealed(checkpoint, new_versions)
            return await super().aput(config, wrapped, metadata, versions)

    Sealing.__name__ = Sealing.__qualname__ = f"Sealed{cls.__name__}"
    return Sealing
