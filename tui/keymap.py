"""Keymap checks: which keys a config file may bind, and to what (textual's key names).

Apart from `tui.config`, which the one-shot CLI reads without importing textual.
"""

from __future__ import annotations

from functools import cache

from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


@cache
def _key_names() -> frozenset[str]:
    """The names Textual gives keys that are no single character ("escape", "pageup",
    "f5", "slash", "question_mark")."""
    names = {key.value.split("+")[-1] for key in Keys} | set(KEY_NAME_REPLACEMENTS.values())
    return frozenset(names | {"enter", "space", "tab", "backspace", "delete", "escape"})


def is_key(spec: str) -> bool:
    """Whether `spec` names a key as bindings do: modifiers and a key ("ctrl+s", "G",
    "question_mark", "f2"); "[/]" or "zz" do not."""
    *modifiers, name = spec.split("+")
    if not name or any(m not in _MODIFIERS for m in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    return name in _key_names() or key_to_character(name) is not None


def check_keymap(
    keymap: dict[str, str], defaults: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The keymap entries that can be used, and what was wrong with the others.

    `defaults` maps each binding id to its default keys ("j,down"). An unknown id, or a key
    that two binding ids would share (in the keymap, or with a binding left at its default
    keys), is reported and its entries dropped: no key ever does two things, and `quit`
    always keeps a key (its default when its own entry is dropped).
    """
    problems: list[str] = []
    unknown = sorted(k for k in keymap if k not in defaults)
    if unknown:
        problems.append(f"unknown binding ids {', '.join(unknown)} (see ? for the ids)")
    wanted = {
        k: [key.strip() for key in v.split(",") if key.strip()]
        for k, v in keymap.items()
        if k in defaults
    }
    for binding, keys in wanted.items():
        bad = [key for key in keys if not is_key(key)]
        if bad:
            problems.append(f"{binding}: {', '.join(map(repr, bad))} is no key name: ignored")
            keys[:] = [key for key in keys if key not in bad]
    while True:
        owners: dict[str, list[str]] = {}
        for binding, spec in defaults.items():
            keys = wanted.get(binding, [key.strip() for key in spec.split(",") if key.strip()])
            for key in dict.fromkeys(keys):
                owners.setdefault(key, []).append(binding)
        clash = next(  # default keys shared on purpose (enter: open, leave the filter) stay
            ((k, ids) for k, ids in owners.items() if len(ids) > 1 and set(ids) & set(wanted)),
            None,
        )
        if clash is None:
            break
        key, ids = clash
        dropped = sorted(i for i in ids if i in wanted)
        problems.append(f"key {key!r} is bound to {', '.join(sorted(ids))}: "
                        f"ignored the entries for {', '.join(dropped)}")  # fmt: skip
        for binding in dropped:
            del wanted[binding]
    for binding in [b for b, keys in wanted.items() if not keys]:
        problems.append(f"{binding} has no key: it keeps its default")
        del wanted[binding]
    return {k: ",".join(v) for k, v in wanted.items()}, problems
