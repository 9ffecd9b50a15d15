package netif

import (
	"encoding/binary"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// ifaRtPriority is IFA_RT_PRIORITY (Linux 4.18): the metric of the prefix
// route added with the address. The netlink package does not send it.
const ifaRtPriority = 9

// addWithMetric is AddrAdd for an IPv6 address with a prefix route
// metric: the same RTM_NEWADDR, with IFA_RT_PRIORITY.
func (h *Handle) addWithMetric(link Link, a *netlink.Addr, metric int) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK)
	ones, _ := a.Mask.Size()
	msg := nl.NewIfAddrmsg(unix.AF_INET6)
	msg.Prefixlen = uint8(ones)
	msg.Index = uint32(link.Index)
	req.AddData(msg)
	ip := a.IP.To16()
	req.AddData(nl.NewRtAttr(unix.IFA_LOCAL, ip))
	req.AddData(nl.NewRtAttr(unix.IFA_ADDRESS, ip))
	u32 := func(v uint32) []byte {
		b := make([]byte, 4)
		binary.NativeEndian.PutUint32(b, v)
		return b
	}
	if a.Flags != 0 {
		req.AddData(nl.NewRtAttr(unix.IFA_FLAGS, u32(uint32(a.Flags))))
	}
	if a.ValidLft > 0 || a.PreferedLft > 0 { // as the netlink package decides
		ci := nl.IfaCacheInfo{IfaCacheinfo: unix.IfaCacheinfo{Prefered: uint32(a.PreferedLft), Valid: uint32(a.ValidLft)}}
		req.AddData(nl.NewRtAttr(unix.IFA_CACHEINFO, ci.Serialize()))
	}
	req.AddData(nl.NewRtAttr(ifaRtPriority, u32(uint32(metric))))
	return h.do(req)
}
