// dyn_dlopen: the dynamic loader at run time: dlopen of libm and libz from
// /lib, dlsym, calling into them, dlerror for a missing library.
#include "guest.h"
#include <dlfcn.h>

int main(void)
{
	void *m = dlopen("libm.so.6", RTLD_NOW);
	printf("dlopen libm: %s\n", YN(m != NULL));
	double (*cosp)(double) = (double (*)(double))dlsym(m, "cos");
	double (*sqrtp)(double) = (double (*)(double))dlsym(m, "sqrt");
	printf("cos(0) = %.3f, sqrt(2) = %.6f\n", cosp ? cosp(0) : -1, sqrtp ? sqrtp(2) : -1);
	void *z = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL);
	printf("dlopen libz: %s\n", YN(z != NULL));
	if (z) {
		unsigned long (*crc32p)(unsigned long, const unsigned char *, unsigned) =
			(unsigned long (*)(unsigned long, const unsigned char *, unsigned))dlsym(z, "crc32");
		printf("crc32(\"hello\") = %08lx\n", crc32p ? crc32p(0, (const unsigned char *)"hello", 5) : 0);
		dlclose(z);
	}
	void *none = dlopen("libbento-does-not-exist.so", RTLD_NOW);
	printf("missing library: %s, dlerror set: %s\n", none ? "loaded" : "NULL", YN(dlerror() != NULL));
	printf("dlsym missing symbol: %s\n", dlsym(m, "bento_no_such_symbol") ? "found" : "NULL");
	dlclose(m);
	return 0;
}
