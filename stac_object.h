/*
 * stac_object.h - the org.nvmexpress.stac D-Bus object (/org/nvmexpress/stac).
 */
#ifndef STACD_STAC_OBJECT_H
#define STACD_STAC_OBJECT_H

#define STAC_BUS_NAME	"org.nvmexpress.stac"
#define STAC_OBJ_PATH	"/org/nvmexpress/stac"

/*
 * The introspection document of the object: nvme-stas's stacd.idl plus
 * the standard interfaces we serve.  --idl writes it and Introspect
 * returns it, so the two can never differ.
 */
extern const char stac_introspection_xml[];

#endif
