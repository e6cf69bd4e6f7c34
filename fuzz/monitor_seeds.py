#!/usr/bin/env python3
"""Makes the seed corpora of the monitor's fuzz targets from the golden pcaps
(tests/monitor/*.pcap): whole frames for fuzz_mon_frame, and the payloads of
the protocols each other target reads. Run from the repository root."""
import glob, hashlib, os, struct

def frames(path):
    with open(path, 'rb') as f:
        data = f.read()
    link = struct.unpack('<I', data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack('<IIII', data[off:off + 16])
        yield link, data[off + 16:off + 16 + incl]
        off += 16 + incl

def l4(fr, link):
    """(proto, sport, dport, payload) of an Ethernet or raw IPv4/IPv6 frame."""
    p = fr if link == 101 else fr[14:]
    if link == 1 and fr[12:14] == b'\x81\x00':
        p = fr[18:]
    if len(p) < 20:
        return None
    if p[0] >> 4 == 4:
        ihl = (p[0] & 15) * 4
        proto, t = p[9], p[ihl:]
    elif p[0] >> 4 == 6 and len(p) >= 48:
        proto, t = p[6], p[40:]
    else:
        return None
    if len(t) < 8:
        return None
    sp, dp = struct.unpack('>HH', t[:4])
    if proto == 17:
        return 'udp', sp, dp, t[8:]
    if proto == 6 and len(t) >= 20:
        return 'tcp', sp, dp, t[(t[12] >> 4) * 4:]
    return None

def save(target, blob):
    d = os.path.join('fuzz', 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()), 'wb') as f:
        f.write(blob)

ports = {3702: 0, 1900: 1, 37020: 2, 37810: 3}
for path in sorted(glob.glob('tests/monitor/*.pcap')):
    for i, (link, fr) in enumerate(frames(path)):
        if len(fr) > 4096:
            fr = fr[:4096]
        if i < 40:  # a small corpus: the first frames of each capture
            save('fuzz_mon_frame', bytes([{1: 0, 101: 2, 113: 3}.get(link, 0)]) + fr)
        r = l4(fr, link)
        if r is None:
            continue
        proto, sp, dp, pl = r
        if 53 in (sp, dp) and proto == 'udp':
            save('fuzz_mon_dns', pl)
        elif 67 in (sp, dp) or 68 in (sp, dp):
            save('fuzz_mon_dhcp', pl)
        elif proto == 'tcp' and pl[:1] == b'\x16':
            save('fuzz_mon_tls', pl)
        elif proto == 'tcp' and pl:
            save('fuzz_mon_http', pl[:4096])
        elif proto == 'udp' and (sp in ports or dp in ports):
            k = ports.get(sp, ports.get(dp))
            save('fuzz_mon_discovery', bytes([k | (k << 3)]) + pl[:4096])
