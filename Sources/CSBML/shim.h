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
#include <sbml/packages/comp/common/compfwd.h>

// Four functions of the comp package's C API. Its headers (CompBase.h, ExternalModelDefinition.h)
// include C++ headers such as <set> outside their `__cplusplus` guards, so C cannot include them;
// these are the functions' declarations as libsbml.so exports them (their documentation is in
// sbml/packages/comp/extension/CompSBMLDocumentPlugin.h and sbml/packages/comp/sbml/ExternalModelDefinition.h).
unsigned int CompSBMLDocumentPlugin_getNumExternalModelDefinitions(CompSBMLDocumentPlugin_t *plugin);
ExternalModelDefinition_t *CompSBMLDocumentPlugin_getExternalModelDefinition(CompSBMLDocumentPlugin_t *plugin, unsigned int n);
char *ExternalModelDefinition_getId(ExternalModelDefinition_t *emd);
char *ExternalModelDefinition_getSource(ExternalModelDefinition_t *emd);

/// Frees a string that libSBML allocated and handed over (`char *` results).
static inline void CSBML_freeString(char *s) {
    free(s);
}

#endif
