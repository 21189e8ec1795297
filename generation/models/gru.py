"""GRU choreographer: the recurrent choreographer of `generation.models.recurrent` with a
2-layer GRU pose decoder (after the GRU music encoder of paper 003)."""

from dataclasses import dataclass

from torch import nn

from generation.models.recurrent import RecurrentChoreographer, RecurrentConfig


@dataclass
class GRUConfig(RecurrentConfig):
    pass


class GRUChoreographer(RecurrentChoreographer):
    rnn_class = nn.GRU
