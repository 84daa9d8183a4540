#include <libxml/xmlversion.h>
/* Keep the system ICU headers out: they clash with Foundation's bundled ICU in any module that
   imports both. Only pointer-used trailing fields of xmlCharEncodingHandler depend on it. */
#undef LIBXML_ICU_ENABLED
#include <libxml/relaxng.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/tree.h>
