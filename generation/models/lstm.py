"""LSTM choreographer: the recurrent choreographer of `generation.models.recurrent` with a
2-layer LSTM pose decoder (paper 003 compares LSTM and GRU music encoders and decoders)."""

from dataclasses import dataclass

from torch import nn

from generation.models.recurrent import RecurrentChoreographer, RecurrentConfig


@dataclass
class LSTMConfig(RecurrentConfig):
    pass


class LSTMChoreographer(RecurrentChoreographer):
    rnn_class = nn.LSTM
