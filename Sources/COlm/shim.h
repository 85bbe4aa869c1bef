// libolm (Debian: libolm-dev), reached from Swift only through RapportMatrixCrypto.
#include <olm/olm.h>
#include <olm/pk.h>
