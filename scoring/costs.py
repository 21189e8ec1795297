"""What the alignment pays for matching a learner frame with a reference frame.

The cost of a pair is the squared distance between the two poses, each joint measured where its
body part hangs (`scoring.parts`: the arms from their shoulder in the torso's own frame, the legs
from their hip, the torso from the pelvis), summed per body part, and each part's sum capped at
`params.ALIGN_JOINT_CAP` per joint. So a part danced wrong costs about the same at every
reference frame and cannot pull the path: before, a learner who leant 25 degrees through a
stretch of a rumba, or danced its head and torso from another dance, was aligned up to 300-700
ms away from the music and told so as lateness, and the arms compared at the wrong time were
named as the fix (`python -m scoring.validate`, figures in the README).

Live and offline build the same local poses with the same kernels, so both align alike.
"""

import numpy as np
from numba import njit

from scoring import params
from scoring.parts import JOINT_PART, PART_NAMES, _to_local

_CAP = params.ALIGN_JOINT_CAP
_PARTS = len(PART_NAMES)


@njit(cache=True)
def learner_local(rows, mirror, mirrored):
    """Local poses ``(n, J, 2)`` float64 of root-centred learner rows ``(n, J, 2)``; a mirrored
    learner's joints exchanged by ``mirror`` and x negated first."""
    n, joints = rows.shape[0], rows.shape[1]
    out = np.empty((n, joints, 2))
    for k in range(n):
        for j in range(joints):
            source = mirror[j] if mirrored else j
            x = np.float64(rows[k, source, 0])
            out[k, j, 0] = -x if mirrored else x
            out[k, j, 1] = rows[k, source, 1]
    _to_local(out)
    return out


@njit(cache=True)
def reference_local(x, y, z, lo, count, valid_lo, valid_hi, cos, sin):
    """Local poses ``(count, J, 2)`` float64 of reference frames ``lo, lo + 1, ...`` from the
    planes ``x, y, z`` ``(T, J)`` float32 seen at yaw (``cos``, ``sin`` float32, as
    `scoring.view.project`: ``u = x cos + z sin``, ``v = y`` in float32); frames outside
    ``[valid_lo, valid_hi)`` are zeros."""
    out = np.zeros((count, x.shape[1], 2))
    for r in range(max(valid_lo, lo), min(valid_hi, lo + count)):
        for j in range(x.shape[1]):
            out[r - lo, j, 0] = x[r, j] * cos + z[r, j] * sin
            out[r - lo, j, 1] = y[r, j]
    _to_local(out)
    return out


@njit(cache=True)
def band_costs(learner, shown, reference, valid_lo, valid_hi, band):
    """Costs ``(n, 2 * band + 1)`` float64 of local learner rows ``(n, J, 2)`` against local
    reference rows ``(n + 2 * band, J, 2)``: cell ``m`` of row ``k`` pairs learner row ``k``
    with reference row ``k + m``; reference rows outside ``[valid_lo, valid_hi)`` cost 0 (the
    aligner does not read them). Joints whose ``shown`` ``(J,)`` is 0 add nothing: a held guess
    of a joint the camera did not show would pull the path. Per part: the sum over its shown
    joints of the squared distances, at most ``ALIGN_JOINT_CAP`` times their number; the parts'
    sums added in part order."""
    n, joints = learner.shape[0], learner.shape[1]
    width = 2 * band + 1
    cap = np.zeros(_PARTS)
    for j in range(joints):
        if JOINT_PART[j] >= 0 and shown[j] > 0:
            cap[JOINT_PART[j]] += _CAP
    costs = np.zeros((n, width))
    part = np.empty(_PARTS)
    for k in range(n):
        for m in range(width):
            r = k + m
            if r < valid_lo or r >= valid_hi:
                continue
            part[:] = 0.0
            for j in range(joints):
                if JOINT_PART[j] < 0 or shown[j] <= 0:
                    continue
                dx = learner[k, j, 0] - reference[r, j, 0]
                dy = learner[k, j, 1] - reference[r, j, 1]
                part[JOINT_PART[j]] += dx * dx + dy * dy
            total = 0.0
            for p in range(_PARTS):
                total += min(part[p], cap[p])
            costs[k, m] = total
    return costs
