"""The live prefix of the slot arrays: work only where firms are or may soon be.

Entrants fill reserved slots in order, so every firm that has ever lived sits in a prefix of the
slot arrays. A period runs on views of the first ``L`` slots, where ``L`` is the number of slots
used so far rounded up to a block with at least one block of free slots for this period's
entrants. Slicing the tie matrices is cached per ``L``, so it happens only when the prefix
grows by a block. Random draws have the prefix's shape, but every use has its own stream per
period (:class:`.context.Streams`), so firm i draws the same numbers whatever ``L`` is.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp

from clustermarketing.engine import kernels
from clustermarketing.engine.state import (
    FIRM,
    FIRM_DICT,
    FIRM_HUB,
    SLOTS,
    State,
    World,
    fields_on,
)

WORLD_FIRM_FIELDS = fields_on(World, FIRM)
WORLD_SLOT_FIELDS = fields_on(World, SLOTS)
STATE_FIRM_FIELDS = fields_on(State, FIRM)
STATE_HUB_FIELDS = fields_on(State, FIRM_HUB)
STATE_DICT_FIELDS = fields_on(State, FIRM_DICT)


def live_length(state: State, block: int) -> int:
    """Slots to process this period: used slots plus at least one free block, rounded to blocks."""
    n = state.active.size
    unborn = np.flatnonzero(state.born < 0)
    used = int(unborn[0]) if unborn.size else n
    return min(n, -(-(used + block) // block) * block)


def view_world(world: World, length: int) -> World:
    """The world restricted to the first ``length`` slots."""
    if length == world.n:
        return world
    sub = {f: getattr(world, f)[:length] for f in WORLD_FIRM_FIELDS}
    for f in WORLD_SLOT_FIELDS:
        sub[f] = csr_prefix(getattr(world, f), length)
    return dataclasses.replace(world, n=length, **sub)


def csr_prefix(mat: sp.csr_matrix, length: int) -> sp.csr_matrix:
    """``mat[:length, :length]`` as CSR (the compiled path slices in one pass over the rows)."""
    if length == mat.shape[0]:
        return mat
    if not kernels.compiled():
        return mat[:length, :length].tocsr()
    indptr, indices, data = kernels.csr_prefix_kernel(mat.indptr, mat.indices, mat.data, length)
    out = sp.csr_matrix((data, indices, indptr), shape=(length, length), copy=False)
    out.has_sorted_indices = mat.has_sorted_indices  # a prefix keeps each row's order
    return out


def view_state(state: State, length: int) -> State:
    """A state whose firm arrays are views of the first ``length`` slots (hub row kept last)."""
    n = state.active.size
    if length == n:
        return state
    sub = {f: getattr(state, f)[:length] for f in STATE_FIRM_FIELDS}
    for f in STATE_HUB_FIELDS:
        full = getattr(state, f)
        sub[f] = np.concatenate([full[:length], full[n:]], axis=0)
    for f in STATE_DICT_FIELDS:
        sub[f] = {k: v[:length] for k, v in getattr(state, f).items()}
    return dataclasses.replace(state, **sub)


def commit_state(state: State, view: State, length: int) -> None:
    """Write a view's results back into the full state."""
    n = state.active.size
    if view is state:
        return
    for f in STATE_FIRM_FIELDS:
        arr = getattr(view, f)
        full = getattr(state, f)
        if arr is not full[:length] and not np.may_share_memory(arr, full):
            full[:length] = arr
    for f in STATE_HUB_FIELDS:
        full, part = getattr(state, f), getattr(view, f)
        full[:length] = part[:length]
        full[n:] = part[length:]
    for f in STATE_DICT_FIELDS:
        full_dict, part_dict = getattr(state, f), getattr(view, f)
        for key, part in part_dict.items():
            if key not in full_dict:  # a mechanism created it this period: full-size, zero-padded
                full_dict[key] = np.zeros((n, *part.shape[1:]), dtype=part.dtype)
            full = full_dict[key]
            if part is not full[:length] and not np.may_share_memory(part, full):
                full[:length] = part
    sliced = {*STATE_FIRM_FIELDS, *STATE_HUB_FIELDS, *STATE_DICT_FIELDS}
    for f in dataclasses.fields(State):
        if f.name not in sliced:
            setattr(state, f.name, getattr(view, f.name))
