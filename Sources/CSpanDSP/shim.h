// Only spandsp's G.722 codec: telephony.h defines SPAN_DECLARE, which g722.h needs; spandsp.h would pull in
// every module (fax, T.38, libtiff headers).
#include <stdint.h>
#include <spandsp/telephony.h>
#include <spandsp/g722.h>
