/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of libvirt's public API that libvirt.c uses, declared here so
 * that vmsched builds without libvirt-dev and loads libvirt.so.0 only when
 * a command asks for domain metadata. These declarations follow
 * <libvirt/libvirt.h> and <libvirt/virterror.h>, whose ABI libvirt keeps
 * stable across releases (the leading members of virError included).
 */
#ifndef VMSCHED_LIBVIRT_API_H
#define VMSCHED_LIBVIRT_API_H

#define LIBVIRT_SONAME	"libvirt.so.0"

typedef struct _virConnect *virConnectPtr;
typedef struct _virDomain *virDomainPtr;

/* the leading members of struct _virError; only read through a pointer */
typedef struct _virError {
	int code;
	int domain;
	char *message;
} virError;
typedef virError *virErrorPtr;

typedef void (*virErrorFunc)(void *userData, virErrorPtr error);

#define VIR_DOMAIN_METADATA_ELEMENT	2	/* virDomainMetadataType */

/* the functions, as pointers filled by dlsym() */
struct libvirt_api {
	virConnectPtr (*virConnectOpenReadOnly)(const char *name);
	int (*virConnectIsAlive)(virConnectPtr conn);
	int (*virConnectClose)(virConnectPtr conn);
	void (*virSetErrorFunc)(void *userData, virErrorFunc handler);
	virErrorPtr (*virGetLastError)(void);
	virDomainPtr (*virDomainLookupByName)(virConnectPtr conn, const char *name);
	char *(*virDomainGetMetadata)(virDomainPtr domain, int type, const char *uri,
				      unsigned int flags);
	int (*virDomainFree)(virDomainPtr domain);
};

#endif
