package org.odomo.access;

import java.time.Clock;
import java.util.Optional;

import org.odomo.apps.App;
import org.odomo.apps.AppRegistry;
import org.odomo.apps.Partner;
import org.odomo.apps.PartnerRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    RateLimiter rateLimiter(JdbcClient jdbc, PlatformTransactionManager transactions, AppRegistry apps, PartnerRegistry partners,
            Optional<Clock> clock, @Value("${odomo.rate-limit.max-lease:100000}") long maxLease) {
        RateLimitStore store = new RateLimitStore(jdbc, new TransactionTemplate(transactions));
        return new RateLimiter(store,
                // an app's plan, or a fleet owner's: client ids are random UUIDs, never shared
                clientId -> apps.findByClientId(clientId).map(App::slaPlan)
                        .or(() -> partners.findByClientId(clientId).map(Partner::slaPlan)).flatMap(apps::plan),
                clock.orElse(Clock.systemUTC()), maxLease);
    }
}
