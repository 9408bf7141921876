"""MATLAB 5G Toolbox compatible layer: NR functions under MathWorks' names.

Thin wrappers over the native API that keep MATLAB's names, argument order, defaults, name-value
pairs (as keyword arguments), output order (a tuple), struct field names (:class:`MatlabStruct`)
and conventions: ``(K, C)`` matrices with one code block per column, column vectors as 1-D arrays,
filler bits as ``-1``, ``+Inf`` soft bits at filler positions after rate recovery. The table of
functions, with the native function behind each, is in ``docs/matlab.md``.

============================== ==================================== ====================
MATLAB                         opennr.matlab                        TS clause
============================== ==================================== ====================
``nrCRCEncode``                :func:`nrCRCEncode`                  38.212 §5.1
``nrCRCDecode``                :func:`nrCRCDecode`                  38.212 §5.1
``nrCodeBlockSegmentLDPC``     :func:`nrCodeBlockSegmentLDPC`       38.212 §5.2.2
``nrCodeBlockDesegmentLDPC``   :func:`nrCodeBlockDesegmentLDPC`     38.212 §5.2.2
``nrLDPCEncode``               :func:`nrLDPCEncode`                 38.212 §5.3.2
``nrLDPCDecode``               :func:`nrLDPCDecode`                 38.212 §5.3.2
``nrRateMatchLDPC``            :func:`nrRateMatchLDPC`              38.212 §5.4.2, §5.5
``nrRateRecoverLDPC``          :func:`nrRateRecoverLDPC`            38.212 §5.4.2, §5.5
``nrDLSCHInfo``                :func:`nrDLSCHInfo`                  38.212 §7.2
``nrTBS``                      :func:`nrTBS`                        38.214 §5.1.3.2
``nrPolarEncode``              :func:`nrPolarEncode`                38.212 §5.3.1
``nrPolarDecode``              :func:`nrPolarDecode`                38.212 §5.3.1
``nrRateMatchPolar``           :func:`nrRateMatchPolar`             38.212 §5.4.1
``nrRateRecoverPolar``         :func:`nrRateRecoverPolar`           38.212 §5.4.1
``nrBCH``                      :func:`nrBCH`                        38.212 §7.1
``nrBCHDecode``                :func:`nrBCHDecode`                  38.212 §7.1
``nrDCIEncode``                :func:`nrDCIEncode`                  38.212 §7.3
``nrDCIDecode``                :func:`nrDCIDecode`                  38.212 §7.3
``nrUCIEncode``                :func:`nrUCIEncode`                  38.212 §6.3.1
``nrUCIDecode``                :func:`nrUCIDecode`                  38.212 §6.3.1
``nrPRBS``                     :func:`nrPRBS`                       38.211 §5.2.1
``nrCarrierConfig``            :class:`nrCarrierConfig`             38.211 §4.4.2
``nrOFDMInfo``                 :func:`nrOFDMInfo`                   38.211 §5.3.1, §5.4
``nrOFDMModulate``             :func:`nrOFDMModulate`               38.211 §5.3.1, §5.4
``nrOFDMDemodulate``           :func:`nrOFDMDemodulate`             38.211 §5.3.1, §5.4
``nrResourceGrid``             :func:`nrResourceGrid`               38.211 §4.4.4
``nrSymbolModulate``           :func:`nrSymbolModulate`             38.211 §5.1
``nrPDSCHConfig``              :class:`nrPDSCHConfig`               38.211 §7.3.1, 38.214 §5.1
``nrPDSCHDMRSConfig``          :class:`nrPDSCHDMRSConfig`           38.211 §7.4.1.1
``nrPDSCHPTRSConfig``          :class:`nrPDSCHPTRSConfig`           38.211 §7.4.1.2
``nrPUSCHConfig``              :class:`nrPUSCHConfig`               38.211 §6.3.1, 38.214 §6.1
``nrPUSCHDMRSConfig``          :class:`nrPUSCHDMRSConfig`           38.211 §6.4.1.1
``nrPDSCHDMRS``                :func:`nrPDSCHDMRS`                  38.211 §7.4.1.1
``nrPDSCHDMRSIndices``         :func:`nrPDSCHDMRSIndices`           38.211 §7.4.1.1.2
``nrPDSCHPTRS``                :func:`nrPDSCHPTRS`                  38.211 §7.4.1.2
``nrPDSCHPTRSIndices``         :func:`nrPDSCHPTRSIndices`           38.211 §7.4.1.2.2
``nrPUSCHDMRS``                :func:`nrPUSCHDMRS`                  38.211 §6.4.1.1
``nrPUSCHDMRSIndices``         :func:`nrPUSCHDMRSIndices`           38.211 §6.4.1.1.3
``nrPDSCHIndices``             :func:`nrPDSCHIndices`               38.211 §7.3.1.5-§7.3.1.6
``nrPUSCHIndices``             :func:`nrPUSCHIndices`               38.211 §6.3.1.6-§6.3.1.7
``nrPDSCH``                    :func:`nrPDSCH`                      38.211 §7.3.1.1-§7.3.1.3
``nrPUSCH``                    :func:`nrPUSCH`                      38.211 §6.3.1.1-§6.3.1.5
``nrPDSCHDecode``              :func:`nrPDSCHDecode`                38.211 §7.3.1 (inverse)
``nrPUSCHDecode``              :func:`nrPUSCHDecode`                38.211 §6.3.1 (inverse)
``nrEqualizeMMSE``             :func:`nrEqualizeMMSE`               receiver (no 3GPP clause)
``nrSymbolDemodulate``         :func:`nrSymbolDemodulate`           38.211 §5.1
``nrLayerMap``                 :func:`nrLayerMap`                   38.211 §7.3.1.3, §6.3.1.3
``nrLayerDemap``               :func:`nrLayerDemap`                 38.211 §7.3.1.3, §6.3.1.3
``nrTransformPrecode``         :func:`nrTransformPrecode`           38.211 §6.3.1.4
``nrTransformDeprecode``       :func:`nrTransformDeprecode`         38.211 §6.3.1.4
``nrLowPAPRS``                 :func:`nrLowPAPRS`                   38.211 §5.2.2, §5.2.3
``nrPUSCHPTRSConfig``          :class:`nrPUSCHPTRSConfig`           38.211 §6.4.1.2
``nrChannelEstimate``          :func:`nrChannelEstimate`            38.211 §7.4.1.1, §6.4.1.1
``nrPSS``                      :func:`nrPSS`                        38.211 §7.4.2.2
``nrSSS``                      :func:`nrSSS`                        38.211 §7.4.2.3
``nrPSSIndices``               :func:`nrPSSIndices`                 38.211 §7.4.3.1
``nrSSSIndices``               :func:`nrSSSIndices`                 38.211 §7.4.3.1
``nrPBCH``                     :func:`nrPBCH`                       38.211 §7.3.3
``nrPBCHIndices``              :func:`nrPBCHIndices`                38.211 §7.4.3.1
``nrPBCHDecode``               :func:`nrPBCHDecode`                 38.211 §7.3.3 (inverse)
``nrPBCHPRBS``                 :func:`nrPBCHPRBS`                   38.211 §7.3.3.1
``nrPBCHDMRS``                 :func:`nrPBCHDMRS`                   38.211 §7.4.1.4.1
``nrPBCHDMRSIndices``          :func:`nrPBCHDMRSIndices`            38.211 §7.4.3.1
``nrWaveformGenerator``        :func:`nrWaveformGenerator`          38.211 §5.3.1, §7.4.3
``nrDLCarrierConfig``          :class:`nrDLCarrierConfig`           38.211 §4.4
``nrSCSCarrierConfig``         :class:`nrSCSCarrierConfig`          38.211 §4.4.2
``nrWavegenSSBurstConfig``     :class:`nrWavegenSSBurstConfig`      38.213 §4.1
``nrTimingEstimate``           :func:`nrTimingEstimate`             38.211 §5.3.1 (receiver)
``nrTDLChannel``               :class:`nrTDLChannel`                38.901 §7.7.2-§7.7.6
``nrCDLChannel``               :class:`nrCDLChannel`                38.901 §7.7.1
============================== ==================================== ====================

Examples
--------
>>> import numpy as np
>>> from opennr.matlab import nrDLSCHInfo, nrCRCEncode, nrCodeBlockSegmentLDPC
>>> info = nrDLSCHInfo(1000, 0.5)
>>> tb = np.random.default_rng(1).integers(0, 2, 1000)
>>> cbs = nrCodeBlockSegmentLDPC(nrCRCEncode(tb, info.CRC), info.BGN)
>>> cbs.shape == (info.K, info.C)
True
"""

from opennr.matlab._struct import MatlabStruct
from opennr.matlab.cdl_channel import nrCDLChannel
from opennr.matlab.channel_estimate import nrChannelEstimate
from opennr.matlab.coding import (
    nrCodeBlockDesegmentLDPC,
    nrCodeBlockSegmentLDPC,
    nrCRCDecode,
    nrCRCEncode,
    nrDLSCHInfo,
    nrLDPCDecode,
    nrLDPCEncode,
    nrRateMatchLDPC,
    nrRateRecoverLDPC,
)
from opennr.matlab.modulation import (
    nrLayerDemap,
    nrLayerMap,
    nrSymbolDemodulate,
    nrSymbolModulate,
    nrTransformDeprecode,
    nrTransformPrecode,
)
from opennr.matlab.ofdm import (
    nrCarrierConfig,
    nrOFDMDemodulate,
    nrOFDMInfo,
    nrOFDMModulate,
    nrResourceGrid,
)
from opennr.matlab.pxsch import (
    nrEqualizeMMSE,
    nrPDSCH,
    nrPDSCHDecode,
    nrPDSCHIndices,
    nrPUSCH,
    nrPUSCHDecode,
    nrPUSCHIndices,
)
from opennr.matlab.pxsch_config import (
    nrPDSCHConfig,
    nrPDSCHDMRSConfig,
    nrPDSCHPTRSConfig,
    nrPUSCHConfig,
    nrPUSCHDMRSConfig,
    nrPUSCHPTRSConfig,
)
from opennr.matlab.signals import (
    nrPDSCHDMRS,
    nrPDSCHDMRSIndices,
    nrPDSCHPTRS,
    nrPDSCHPTRSIndices,
    nrPUSCHDMRS,
    nrPUSCHDMRSIndices,
)
from opennr.matlab.polar import (
    nrBCH,
    nrBCHDecode,
    nrDCIDecode,
    nrDCIEncode,
    nrPolarDecode,
    nrPolarEncode,
    nrRateMatchPolar,
    nrRateRecoverPolar,
)
from opennr.matlab.scheduling import nrTBS
from opennr.matlab.sequences import nrLowPAPRS, nrPRBS
from opennr.matlab.ssb import (
    nrPBCH,
    nrPBCHDecode,
    nrPBCHDMRS,
    nrPBCHDMRSIndices,
    nrPBCHIndices,
    nrPBCHPRBS,
    nrPSS,
    nrPSSIndices,
    nrSSS,
    nrSSSIndices,
)
from opennr.matlab.tdl_channel import nrTDLChannel
from opennr.matlab.timing import nrTimingEstimate
from opennr.matlab.uci import nrUCIDecode, nrUCIEncode
from opennr.matlab.wavegen import (
    nrDLCarrierConfig,
    nrSCSCarrierConfig,
    nrWaveformGenerator,
    nrWavegenSSBurstConfig,
)

__all__ = [
    "MatlabStruct",
    "nrCRCEncode",
    "nrCRCDecode",
    "nrCodeBlockSegmentLDPC",
    "nrCodeBlockDesegmentLDPC",
    "nrLDPCEncode",
    "nrLDPCDecode",
    "nrRateMatchLDPC",
    "nrRateRecoverLDPC",
    "nrDLSCHInfo",
    "nrTBS",
    "nrPolarEncode",
    "nrPolarDecode",
    "nrRateMatchPolar",
    "nrRateRecoverPolar",
    "nrBCH",
    "nrBCHDecode",
    "nrDCIEncode",
    "nrDCIDecode",
    "nrUCIEncode",
    "nrUCIDecode",
    "nrPRBS",
    "nrLowPAPRS",
    "nrSymbolModulate",
    "nrSymbolDemodulate",
    "nrLayerMap",
    "nrLayerDemap",
    "nrTransformPrecode",
    "nrTransformDeprecode",
    "nrCarrierConfig",
    "nrOFDMInfo",
    "nrOFDMModulate",
    "nrOFDMDemodulate",
    "nrResourceGrid",
    "nrPDSCHConfig",
    "nrPDSCHDMRSConfig",
    "nrPDSCHPTRSConfig",
    "nrPUSCHConfig",
    "nrPUSCHDMRSConfig",
    "nrPDSCHDMRS",
    "nrPDSCHDMRSIndices",
    "nrPDSCHPTRS",
    "nrPDSCHPTRSIndices",
    "nrPUSCHDMRS",
    "nrPUSCHDMRSIndices",
    "nrPDSCHIndices",
    "nrPUSCHIndices",
    "nrPDSCH",
    "nrPUSCH",
    "nrPDSCHDecode",
    "nrPUSCHDecode",
    "nrEqualizeMMSE",
    "nrPUSCHPTRSConfig",
    "nrChannelEstimate",
    "nrPSS",
    "nrSSS",
    "nrPSSIndices",
    "nrSSSIndices",
    "nrPBCH",
    "nrPBCHIndices",
    "nrPBCHDecode",
    "nrPBCHPRBS",
    "nrPBCHDMRS",
    "nrPBCHDMRSIndices",
    "nrWaveformGenerator",
    "nrDLCarrierConfig",
    "nrSCSCarrierConfig",
    "nrWavegenSSBurstConfig",
    "nrTimingEstimate",
    "nrTDLChannel",
    "nrCDLChannel",
]
