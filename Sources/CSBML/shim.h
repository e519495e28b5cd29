#ifndef CSBML_SHIM_H
#define CSBML_SHIM_H

// The installed libSBML headers (Debian 12: libsbml5-dev 5.19.7). Nothing is copied:
// pkg-config `libsbml` supplies the include paths and -lsbml.
#include <stdlib.h>
#include <sbml/SBMLTypes.h>
#include <sbml/math/ASTNode.h>
#include <sbml/math/FormulaFormatter.h>
#include <sbml/math/L3Parser.h>
#include <sbml/xml/XMLNamespaces.h>
#include <sbml/conversion/ConversionProperties.h>
#include <sbml/conversion/ConversionOption.h>

/// Frees a string that libSBML allocated and handed over (`char *` results).
static inline void CSBML_freeString(char *s) {
    free(s);
}

#endif
