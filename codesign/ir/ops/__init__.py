"""Every hardware op, one module each; importing this package registers them all."""
from .add_streams import AddStreams
from .duplicate_streams import DuplicateStreams
from .dwc import StreamingDataWidthConverter
from .fifo import StreamingFIFO
from .fmpadding import FMPadding
from .global_acc_pool import GlobalAccPool
from .label_select import LabelSelect
from .maxpool import StreamingMaxPool
from .mvau import MVAU
from .swg import ConvolutionInputGenerator
from .thresholding import Thresholding
from .vvau import VVAU

__all__ = ["AddStreams", "ConvolutionInputGenerator", "DuplicateStreams", "FMPadding", "GlobalAccPool", "LabelSelect",
           "MVAU", "StreamingDataWidthConverter", "StreamingFIFO", "StreamingMaxPool", "Thresholding", "VVAU"]
